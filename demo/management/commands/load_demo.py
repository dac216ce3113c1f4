from django.core.management.base import BaseCommand

from demo.loader import DemoLoader
from practice.models import HomePage


class Command(BaseCommand):
    help = "Load the reference practice's demo pages. Safe to run twice: it creates nothing twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the site already has a home page (used by `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and HomePage.objects.exists():
            self.stdout.write("The site already has pages: demo content not loaded.")
            return
        loader = DemoLoader().load()
        if loader.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {len(loader.created)} demo pages "
                    f"({loader.existing} already existed and were left as they are)."
                )
            )
        else:
            self.stdout.write(
                f"Demo content already loaded: created nothing, {loader.existing} pages "
                "already existed."
            )
        for user in loader.new_users:
            if user["password"]:
                how = f"password `{user['password']}` (shown once; set {user['variable']} to choose it)"
            else:
                how = f"password from {user['variable']}"
            self.stdout.write(f"Demo user `{user['username']}` ({user['group']}): {how}.")
