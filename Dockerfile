# Lab Parcours — one image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    LABPARCOURS_VAR_DIR=/app/var \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media \
    DJANGO_PRIVATE_MEDIA_ROOT=/app/private

# Libraries WeasyPrint needs to render the PDFs, and a font for them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files are collected into the image (served by WhiteNoise). The secret key exists for
# this command only; it is neither a build argument nor kept in the image's environment.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only DJANGO_DEBUG=0 \
        python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home labparcours \
    && mkdir -p /app/var/beat /app/media /app/private \
    && chown -R labparcours:labparcours /app/var /app/media /app/private /app/staticfiles \
    && chmod 700 /app/private
USER labparcours

EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
