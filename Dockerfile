FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system zorgroute \
    && useradd --system --gid zorgroute --home-dir /app --shell /usr/sbin/nologin zorgroute

WORKDIR /app

# The whole tree (minus .dockerignore) so that new packages such as projections/ are picked
# up by setuptools' package discovery without editing this file.
COPY . .
RUN pip install . \
    && mkdir -p /app/var \
    && chown zorgroute:zorgroute /app/var

USER zorgroute

EXPOSE 8000

CMD ["zorgroute", "serve", "--host", "0.0.0.0", "--port", "8000"]
