"""Flask CLI commands that work on the database."""

import click

from database.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo_catalogue


def register_commands(app):
    """Attach the database commands to `flask`."""

    @app.cli.command("load-demo")
    def load_demo():
        """Load the demo user and catalogue into the configured database."""
        added = load_demo_catalogue()
        click.echo(f"Added {added} demo movies; demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
