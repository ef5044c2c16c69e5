"""``jundeng serve`` and ``jundeng users add|list|edit|disable|enable|reset-password``."""

from __future__ import annotations

from typing import Any

import typer

from jundeng.cli.common import FORMAT, console, emit, open_db, settings

users_app = typer.Typer(help="账户与角色 / accounts and roles.")


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="监听地址 / address to listen on"),
    port: int = typer.Option(8000, help="端口 / port"),
    https: bool = typer.Option(False, "--https", help="在 TLS 之后运行（Cookie 标记 Secure）/ behind TLS"),
    ledger_day: str | None = typer.Option(
        None, "--ledger-day", envvar="JUNDENG_LEDGER_DAY", help="台账评估日期 YYYY-MM-DD（默认今天）/ ledger day"
    ),
    trusted_proxy: list[str] = typer.Option(
        [],
        "--trusted-proxy",
        envvar="JUNDENG_TRUSTED_PROXIES",
        help="可信反向代理的地址或网段，仅信任其 X-Forwarded-For（可重复，默认无）"
        " / address or network of a reverse proxy whose X-Forwarded-For is believed (repeatable; none by default)",
    ),
    workers: int = typer.Option(
        1,
        min=1,
        help="工作进程数（多核服务器可设为核数；每个进程各有缓存与登录限流计数）"
        " / worker processes (up to the cores; each keeps its own caches and sign-in counters)",
    ),
) -> None:
    """Serve the web application (uvicorn); the client address is the peer's unless it is a trusted proxy."""
    from jundeng.services.ledger import parse_day
    from jundeng.web.app import create_app

    db = open_db(ctx)
    day = parse_day(ledger_day) if ledger_day else None
    console.print(f"均等 Jundeng · http://{host}:{port}/ · {db.shown_url} · {workers} worker(s)")
    if workers > 1:  # each worker process builds the app from the environment (one secret key for them all)
        import os
        import secrets

        import uvicorn

        os.environ.update(
            JUNDENG_DATABASE_URL=db.url,
            JUNDENG_SECRET_KEY=os.environ.get("JUNDENG_SECRET_KEY") or secrets.token_urlsafe(32),
            JUNDENG_HTTPS="1" if https else "",
            JUNDENG_LEDGER_DAY=day.isoformat() if day else "",
            JUNDENG_TRUSTED_PROXIES=",".join(trusted_proxy),
        )
        uvicorn.run(
            "jundeng.web.app:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="info",
            proxy_headers=False,  # the app reads X-Forwarded-For itself (jundeng.web.limits)
        )
        return
    app = create_app(db.url, https=https, ledger_day=day, trusted_proxies=trusted_proxy, warm=True)
    run_server(app, host=host, port=port, log_level="info")


def run_server(app: Any, *, host: str, port: int, log_level: str) -> None:
    """Serve ``app`` with uvicorn until interrupted (``jundeng serve`` and ``jundeng demo``)."""
    import gc

    import uvicorn

    gc.collect()
    gc.freeze()  # what start-up built leaves the collector: collections during a request stay short
    # the app reads X-Forwarded-For itself (jundeng.web.limits): uvicorn must pass the real peer on
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)


@users_app.command("add")
def add(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    role: str = typer.Option(..., help="admin | office | department | district | viewer | public"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    name: str | None = typer.Option(None, help="显示名称 / display name"),
    region: str | None = typer.Option(None, help="区县用户的区划代码 / region of a district user"),
    unit: str | None = typer.Option(None, help="所属单位名称 / unit name"),
    domain: list[str] = typer.Option([], help="部门用户负责的领域 / domains of a department user"),
) -> None:
    """Create an account (password hashed with argon2)."""
    from jundeng.services import users

    users.create(
        open_db(ctx),
        username=username,
        password=password,
        role=role,
        display_name=name,
        region=region,
        unit=unit,
        domains=domain,
        by=settings(ctx).who,
    )
    console.print(f"已创建用户 created {username} ({role})")


@users_app.command("list")
def list_(ctx: typer.Context, fmt: str = FORMAT) -> None:
    """List accounts."""
    from jundeng.services import users

    rows = [
        {
            "username": u.username,
            "name": u.display_name,
            "role": u.role,
            "region": u.region,
            "unit": u.unit,
            "domains": ",".join(u.domains),
            "active": u.active,
        }
        for u in users.users(open_db(ctx))
    ]
    emit(rows, fmt, ["username", "name", "role", "region", "unit", "domains", "active"], "用户 Users")


@users_app.command("edit")
def edit(
    ctx: typer.Context,
    username: str = typer.Argument(...),
    name: str | None = typer.Option(None, help="显示名称 / display name"),
    role: str | None = typer.Option(None, help="admin | office | department | district | viewer | public"),
    region: str | None = typer.Option(None, help="区划代码（空字符串清除）/ region code ('' clears it)"),
    unit: str | None = typer.Option(None, help="所属单位名称（空字符串清除）/ unit name ('' clears it)"),
    domain: list[str] | None = typer.Option(None, help="部门用户负责的领域（可重复，替换原有）/ domains (replace)"),
) -> None:
    """Change an account's name, role, region, unit or domains (only the options given; audited)."""
    from jundeng.services import users

    asked = {"display_name": name, "role": role, "region": region, "unit": unit, "domains": domain or None}
    changes = {field: value for field, value in asked.items() if value is not None}
    changed = users.edit(open_db(ctx), username=username, changes=changes, by=settings(ctx).who)
    console.print(f"已修改用户 edited {username}" if changed else f"用户未变 unchanged {username}")


@users_app.command("disable")
def disable(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Disable an account and end its sessions (audited; enable it again with ``users enable``)."""
    from jundeng.services import users

    users.set_active(open_db(ctx), username=username, active=False, by=settings(ctx).who)
    console.print(f"已停用用户 disabled {username}")


@users_app.command("enable")
def enable(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Enable a disabled account (audited)."""
    from jundeng.services import users

    users.set_active(open_db(ctx), username=username, active=True, by=settings(ctx).who)
    console.print(f"已启用用户 enabled {username}")


@users_app.command("reset-password")
def reset_password(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Set a new password, typed at a prompt (twice) or piped on standard input, never given as an argument;
    the account's sessions end (audited, without the password)."""
    import sys

    from jundeng.services import users

    if sys.stdin.isatty():
        password = typer.prompt("新密码 / new password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    users.reset_password(open_db(ctx), username=username, password=password, by=settings(ctx).who)
    console.print(f"已重置密码 password reset for {username}; 其登录会话已失效 sessions ended")


def register(app: typer.Typer) -> None:
    """Add the web commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
