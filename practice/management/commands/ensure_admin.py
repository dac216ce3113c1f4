import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure an `admin` superuser exists. Its password comes from "
        "DJANGO_SUPERUSER_PASSWORD, or is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--admin-url", default="http://127.0.0.1:8000/admin/", help="Where the admin is served."
        )

    def handle(self, *args, username, admin_url, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Admin login: {admin_url} as `{username}` "
                "(password as set before; lost it? "
                f"`.venv/bin/python manage.py changepassword {username}`)."
            )
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Created superuser `{username}`."))
        if generated:
            self.stdout.write(
                f"Admin login: {admin_url} user `{username}` password "
                f"`{password}` (shown once; set DJANGO_SUPERUSER_PASSWORD to choose it)."
            )
        else:
            self.stdout.write(
                f"Admin login: {admin_url} user `{username}`, password "
                "from DJANGO_SUPERUSER_PASSWORD."
            )
