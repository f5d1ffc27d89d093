from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from institutions import services


class Command(BaseCommand):
    help = (
        "Load the real TLO / IP-headquarters registry shipped with the product, or with "
        "--file a CSV or XLSX in the columns of the institution list's download (as the "
        "registry upload page). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, help="CSV or XLSX in the columns of the institution list"
        )

    def handle(self, *args, file: Path | None = None, **options):
        try:
            if file:
                services.load_regions()
                summary = services.load_institution_rows(
                    rows=services.read_registry_file(file.read_bytes())
                )
            else:
                summary = services.load_registry()
        except (OSError, services.RegistryError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"registry: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged"
        )
