"""Web application: FastAPI REST API under /api/v1 and server-rendered pages (Jinja2, ECharts)."""
