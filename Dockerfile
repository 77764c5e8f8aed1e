# Production-like image: gunicorn + whitenoise. Built assets come from a Node stage.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
COPY frontend ./frontend
COPY scripts/build_assets.sh ./scripts/build_assets.sh
RUN mkdir -p static && bash scripts/build_assets.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
# WeasyPrint (PDF settlement reports) needs Pango and HarfBuzz.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime lock only (pinned, every file hashed); tests and tooling are in requirements/dev.lock.
COPY requirements/runtime.lock ./requirements/runtime.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.lock
COPY . .
COPY --from=assets /app/static/build ./static/build
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0 \
    && useradd --create-home --uid 1000 app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
