# One image for every app, the outbox worker and the scheduled jobs (compose.yaml picks the command).

# The DSFR and ALTCHA assets come from npm (never committed): installed here, only their built files copied on.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY . .
# Editable: the apps find node_modules/ and instance/ beside their packages (shared/web.py, the factories).
RUN pip install --editable . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p instance /srv/soffi-attachments && chown app instance /srv/soffi-attachments
COPY --from=assets /build/node_modules/@gouvfr/dsfr/dist node_modules/@gouvfr/dsfr/dist
COPY --from=assets /build/node_modules/altcha/dist_external node_modules/altcha/dist_external
USER 10001
EXPOSE 5000 5001 5002 5003 9101
