"""Jinja2 prompt templates: `prompts/` in the project, overridable per brand and per user.

Lookup order for a template name: the brand's `prompts/` folder, the user's folder
(`ASSISTANT_PROMPT_DIR`), then the shipped `prompts/`. `StrictUndefined` makes a template
that names a missing variable fail loudly instead of sending a half-empty prompt.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from .charter import Charter
from .platforms import Platform
from .settings import PROJECT_ROOT, get_settings

SHIPPED = PROJECT_ROOT / "prompts"


@lru_cache(maxsize=32)
def environment(brand_folder: str = "", user_folder: str = "") -> Environment:
    """One environment per (brand, user) folder pair, cached."""
    folders = [Path(f) for f in (brand_folder, user_folder) if f and Path(f).is_dir()]
    loader = ChoiceLoader([FileSystemLoader(str(f)) for f in [*folders, SHIPPED]])
    return Environment(
        loader=loader,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, charter: Charter | None = None, **values: object) -> str:
    """Render one template by name with the charter and values."""
    brand_folder = str(charter.folder / charter.slug / "prompts") if charter else ""
    user_folder = str(get_settings().prompt_dir or "")
    env = environment(brand_folder, user_folder)
    return env.get_template(name).render(charter=charter, **values).strip()


def platform_template(platform: Platform) -> str:
    """The network's own template, or the generic one when none is shipped."""
    name = f"platforms/{platform.id}.j2"
    try:
        environment("", str(get_settings().prompt_dir or "")).get_template(name)
    except TemplateNotFound:
        return "platforms/generic.j2"
    return name
