"""Flask CLI commands: `flask --app app load-demo`, `create-admin EMAIL`, `migrate`, `check-data`, `repair-data`."""

import click
from marshmallow import ValidationError

from database import repair
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

    @app.cli.command("check-data")
    def check_data():
        """Report every leftover a crash can leave (orphans, wrong counts, unfinished account removals); exit 1 if any."""
        found = repair.check()
        for what, count in found.items():
            click.echo(f"{count:8d}  {what}")
        if any(found.values()):
            raise click.ClickException("Leftovers found: `make repair-data` (flask repair-data) removes them.")
        click.echo("Nothing to repair.")

    @app.cli.command("repair-data")
    def repair_data():
        """Remove every leftover and recount every wrong count (idempotent; safe while the API serves)."""
        fixed = repair.repair()
        for what, count in fixed.items():
            click.echo(f"{count:8d}  {what}: fixed")
        left = {what: count for what, count in repair.check().items() if count}
        if left:  # written meanwhile by requests still running: the next run takes them
            raise click.ClickException(f"Still found after the repair (writes in flight?): {left}")
        click.echo("Nothing left to repair.")

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
