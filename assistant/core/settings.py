"""Settings from the environment or a `.env` file, so the CLI, the UI and tests share one source."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class Settings(BaseSettings):
    """Everything a deployment may change without touching code."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_prefix="ASSISTANT_")

    brand_dir: Path = PROJECT_ROOT / "brand_guides"
    prompt_dir: Path | None = None
    data_dir: Path = PROJECT_ROOT / "data"
    db_url: str = ""
    provider: str = ""
    model: str = Field(default="gpt-4o-mini")
    local_model_path: str = ""
    timeout: float = 60.0
    retries: int = 2
    concurrency: int = 12  # one wave for ten networks; local servers queue the rest
    temperature: float = 0.7
    auth: str = ""
    secret_key: str = ""  # shared by every process: turns on the app's own login
    timezone: str = "Europe/Paris"  # a brand without `timezone:` in its charter plans in this one
    user: str = "cm"  # who acts when no name is given (ASSISTANT_USER)
    public_url: str = ""  # the app's address as clients reach it (client approval links)
    min_lead_minutes: int = 10  # a post is planned at least this far ahead, so it can be reviewed
    jobs: str = ""  # auto (queue on PostgreSQL, else inline) | inline | queue: see `jobs`
    job_start_seconds: float = 30.0  # a job no live worker took by then is reported, not awaited
    job_wait_seconds: float = 900.0  # a job waited on longer is reported as too long
    blob_url: str = ""  # s3://bucket/prefix: visuals kept in S3 (default: database or data folder)
    openai_api_key: str = Field(default="", validation_alias="OPENAI_API_KEY")
    openai_base_url: str = Field(default="", validation_alias="OPENAI_BASE_URL")
    languagetool_url: str = Field(default="", validation_alias="LANGUAGETOOL_URL")
    grammalecte_path: str = Field(default="", validation_alias="GRAMMALECTE_PATH")

    def database_url(self) -> str:
        """The SQLAlchemy URL: `ASSISTANT_DB_URL`, else a SQLite file under the data folder."""
        if self.db_url:
            return self.db_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'assistant.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
