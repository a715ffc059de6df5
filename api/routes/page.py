"""``/``: the advisor page, a form and its results for extension agents.

Static files shipped inside the package (``api/page``): the page builds its
form from ``/openapi.json`` and ``/v1/practices`` and calls the API like any
client, so it holds no second copy of the allowed values, and it loads
nothing from another host (it must work on a farm with no internet).
"""

from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: The page's files, read from the installed package, not the working directory.
PAGE = resources.files("api") / "page"

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def index() -> str:
    # Read per request (~20 µs): an edited page shows without a restart.
    return (PAGE / "index.html").read_text(encoding="utf-8")


def install(app: FastAPI) -> None:
    """Serve the page at ``/`` and its scripts, styles and texts under ``/page``.

    The page and its assets need no API key: they hold no data; the API
    calls the page makes carry the key the user types.
    """
    app.include_router(router)
    app.mount("/page", StaticFiles(packages=[("api", "page")]), name="page")
