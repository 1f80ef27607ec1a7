"""Flask CLI commands: `flask --app app load-demo` and `flask --app app create-admin EMAIL`."""

import click
from marshmallow import ValidationError

from database.accounts import User
from database.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_EMAIL, DEMO_PASSWORD, load_demo_catalogue
from database.migrations import SCHEMA_VERSION, DuplicateValues, migrate
from resources.schemas import signup_schema


def register_commands(app):
    """Attach the commands to `flask`."""

    @app.cli.command("migrate")
    def migrate_database():
        """Bring the configured database up to this code: indexes and new fields' defaults (idempotent)."""
        try:
            changed = migrate()
        except DuplicateValues as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Database at schema version {SCHEMA_VERSION}: every index built, {changed} documents given new fields' defaults.")

    @app.cli.command("load-demo")
    def load_demo():
        """Load the demo user and catalogue into the configured database."""
        added = load_demo_catalogue()
        click.echo(
            f"Added {added} demo movies; demo logins: {DEMO_EMAIL} / {DEMO_PASSWORD}, admin {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}"
        )

    @app.cli.command("create-admin")
    @click.argument("email")
    def create_admin(email):
        """Make EMAIL an admin, creating the account (password prompted, never an argument)."""
        user = User.find_by_email(email)
        if user is not None:
            User.grant_admin(user["_id"])
            click.echo(f"{user['email']} is now an admin.")
            return
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            data = signup_schema.load({"email": email, "password": password})
        except ValidationError as error:
            raise click.ClickException(" ".join(m for ms in error.messages.values() for m in ms)) from None
        user = User.create(data["email"], data["password"], is_admin=True)
        click.echo(f"Created admin {user['email']}.")
