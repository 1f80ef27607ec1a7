"""Flask CLI commands that work on the database."""

import click
from marshmallow import ValidationError

from database.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_EMAIL, DEMO_PASSWORD, load_demo_catalogue
from database.models import User
from resources.schemas import credentials_schema


def register_commands(app):
    """Attach the database commands to `flask`."""

    @app.cli.command("load-demo")
    def load_demo():
        """Load the demo user and catalogue into the configured database."""
        added = load_demo_catalogue()
        click.echo(f"Added {added} demo movies; demo logins: {DEMO_EMAIL} / {DEMO_PASSWORD}, admin {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}")

    @app.cli.command("create-admin")
    @click.argument("email")
    def create_admin(email):
        """Make EMAIL an admin, creating the account (password prompted, never an argument)."""
        user = User.find_by_email(email)
        if user is not None:
            user.update(set__is_admin=True)
            click.echo(f"{user.email} is now an admin.")
            return
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            data = credentials_schema.load({"email": email, "password": password})
        except ValidationError as error:
            raise click.ClickException(" ".join(m for ms in error.messages.values() for m in ms)) from None
        user = User(email=data["email"], is_admin=True)
        user.set_password(data["password"])
        user.save()
        click.echo(f"Created admin {user.email}.")
