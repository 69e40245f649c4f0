# The portal's image: built assets, hash-pinned production dependencies, gunicorn.
# .dockerignore keeps var/ (demo data, mail), .venv and node_modules out of it.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/build-assets.mjs scripts/
COPY static/scss static/scss
COPY static/js static/js
RUN npm run build

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DIT_VAR_DIR=/app/var
WORKDIR /app
RUN useradd --create-home --uid 1000 portal \
    && apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# Only the production lock: no pytest, Playwright or ruff in the image. It pins the
# build backend (setuptools), so the project itself is built with a hashed one.
COPY requirements/production.lock requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/production.lock
COPY . .
COPY --from=assets /app/static/build static/build
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e . \
    && DIT_ENV=production SECRET_KEY=build-only DATABASE_URL=postgres://build/none \
       ALLOWED_HOSTS=build python manage.py collectstatic --no-input \
    && mkdir -p var && chown -R portal var
USER portal
EXPOSE 8000
# gunicorn_conf.py: the access log without invitation links' tokens.
CMD ["gunicorn", "-c", "python:dit_portal.gunicorn_conf", "dit_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
