# Build the web client, then run the API (which serves it) under gunicorn.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN pip install pipenv==2026.10.3
COPY Pipfile Pipfile.lock ./
RUN pipenv install --deploy --system && pip uninstall -y pipenv
COPY app.py cli.py config.py extensions.py gunicorn.conf.py metrics.py server.py turns.py web.py ./
COPY database/ database/
COPY resources/ resources/
COPY --from=web /web/dist web/dist
RUN useradd --create-home movie-bag
USER movie-bag
ENV FLASK_CONFIG=production BIND=0.0.0.0:5000
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:5000/api/ready', timeout=2).status != 200)"
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
