import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create an 'admin' superuser with a random password when no superuser exists, "
        "and print the login once. Never ships a fixed password."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        if User.objects.filter(username="admin").exists():
            self.stdout.write("A user 'admin' exists but no superuser: run createsuperuser.")
            return
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                "Created the superuser 'admin' with the password "
                f"{password}\nIt is shown only this once: note it now."
            )
        )
