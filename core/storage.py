"""Private files: uploads that only some people may read (imports, statement attachments).

They are stored under settings.PRIVATE_MEDIA_ROOT, which no URL serves, under generated
names (the uploader's file name is kept in the database for display only), and they
leave the server only through `attachment_response`, called by a view that has checked
who is asking.
"""

from __future__ import annotations

import os
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone


class PrivateStorage(FileSystemStorage):
    """A file system storage with no URL, rooted at settings.PRIVATE_MEDIA_ROOT.

    The root is read on every use (not once at start-up), so that tests and settings
    overrides move it.
    """

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view.")


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    """For FileField(storage=...): a callable, so migrations don't freeze a path."""
    return private_storage


def generated_path(folder: str, filename: str, *, keep_suffixes: tuple[str, ...] = ()) -> str:
    """A stored name `<folder>/<YYYY>/<MM>/<random hex><suffix>` for an upload.

    For a model's upload_to (which must be a module-level function for migrations). The
    suffix is kept only when it is one of `keep_suffixes` (lower case, with the dot), so
    that no stored name is ever chosen by the uploader.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in keep_suffixes:
        suffix = ""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def attachment_response(
    file: FieldFile, *, download_name: str, content_type: str = "application/octet-stream"
) -> FileResponse:
    """The file as a download, never as a page: `Content-Disposition: attachment` and
    `X-Content-Type-Options: nosniff`, so that an uploaded HTML or SVG never runs as part
    of the site. Call only after checking that the person may see the file."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
