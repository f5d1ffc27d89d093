from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from institutions import services


class Command(BaseCommand):
    help = (
        "Load the real TLO / IP-headquarters registry shipped with the product, or with "
        "--file a CSV in the columns of tlo_registry.csv. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="CSV in the columns of tlo_registry.csv")

    def handle(self, *args, file: Path | None = None, **options):
        try:
            if file:
                services.load_regions()
                summary = services.load_institution_rows(
                    rows=services.parse_registry_csv(file.read_bytes())
                )
            else:
                summary = services.load_registry()
        except (OSError, services.RegistryError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"registry: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged"
        )
