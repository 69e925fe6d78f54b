# One image for the claimwatch service and, in docker-compose.yml, the Prefect server
# (the same locked Prefect version on both sides).
FROM python:3.11-slim

ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false

WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.8
# Dependencies first, from the lock file, so code changes do not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev && useradd --create-home claimwatch && mkdir -p var && chown claimwatch var
USER claimwatch

CMD ["claimwatch", "serve", "--config", "/app/config"]
