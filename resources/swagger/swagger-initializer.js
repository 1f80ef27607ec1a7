// Starts Swagger UI with the settings in #swagger-ui's data-config: no inline script on the page.
window.addEventListener('load', () => {
  const element = document.getElementById('swagger-ui');
  const config = JSON.parse(element.dataset.config);
  window.ui = SwaggerUIBundle({
    ...config,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  });
});
