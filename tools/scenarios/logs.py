"""Log lines in the shapes real stacks print: Go slog/zap JSON, Spring Boot, Node.js, Python logging."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class Log:
    """Accumulates lines on a moving clock (``step`` advances it)."""

    at: datetime
    lines: list[str] = field(default_factory=list)

    def step(self, ms: int) -> Log:
        self.at += timedelta(milliseconds=ms)
        return self

    def raw(self, text: str) -> Log:
        self.lines.extend(text.rstrip("\n").split("\n"))
        return self

    # --- Go (log/slog JSON handler) ---
    def go(self, level: str, msg: str, ms: int = 3, **attrs: object) -> Log:
        self.step(ms)
        rec = {"time": self.at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.at.microsecond // 1000:03d}Z",
               "level": level.upper(), "msg": msg, **attrs}
        self.lines.append(json.dumps(rec, separators=(",", ":")))
        return self

    # --- Go standard log package ---
    def golog(self, msg: str, ms: int = 3) -> Log:
        self.step(ms)
        self.lines.append(f"{self.at:%Y/%m/%d %H:%M:%S} {msg}")
        return self

    # --- Java / Spring Boot (logback default pattern) ---
    def java(self, level: str, logger: str, msg: str, ms: int = 5, thread: str = "main", pid: int = 1,
             app: str = "") -> Log:
        self.step(ms)
        stamp = self.at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.at.microsecond // 1000:03d}Z"
        app_part = f"[{app}] " if app else ""
        self.lines.append(f"{stamp} {level.upper():>5} {pid} --- {app_part}[{thread:>15}] {logger:<40} : {msg}")
        return self

    # --- Node.js (pino JSON) ---
    def node(self, level: int, msg: str, ms: int = 4, **attrs: object) -> Log:
        self.step(ms)
        rec = {"level": level, "time": int(self.at.timestamp() * 1000), "pid": 1, "hostname": attrs.pop("host", "app"),
               "msg": msg, **attrs}
        self.lines.append(json.dumps(rec, separators=(",", ":")))
        return self

    # --- Python logging (default-ish format) ---
    def py(self, level: str, logger: str, msg: str, ms: int = 4) -> Log:
        self.step(ms)
        stamp = self.at.strftime("%Y-%m-%d %H:%M:%S,") + f"{self.at.microsecond // 1000:03d}"
        self.lines.append(f"{stamp} {level.upper()} [{logger}] {msg}")
        return self

    # --- nginx access/error log ---
    def nginx_access(self, client: str, request: str, status: int, size: int, ua: str = "kube-probe/1.32",
                     ms: int = 1000) -> Log:
        self.step(ms)
        self.lines.append(f'{client} - - [{self.at:%d/%b/%Y:%H:%M:%S} +0000] "{request}" {status} {size} "-" "{ua}"')
        return self

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def spring_banner(log: Log, app: str, version: str, *, profile: str = "production", pid: int = 1) -> Log:
    """The first lines of a Spring Boot 3 service starting."""
    log.raw("\n  .   ____          _            __ _ _\n /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\\n"
            "( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\\n \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )\n"
            "  '  |____| .__|_| |_|_| |_\\__, | / / / /\n =========|_|==============|___/=/_/_/_/\n\n"
            " :: Spring Boot ::                (v3.3.4)\n")
    log.java("INFO", f"c.a.{app.replace('-', '')}.Application", f"Starting Application v{version} using Java 21.0.4 "
             f"with PID {pid} (/app/app.jar started by app in /app)", ms=820, app=app)
    log.java("INFO", f"c.a.{app.replace('-', '')}.Application",
             f'The following 1 profile is active: "{profile}"', ms=9, app=app)
    log.java("INFO", "o.s.b.w.embedded.tomcat.TomcatWebServer", "Tomcat initialized with port 8080 (http)",
             ms=1650, app=app)
    log.java("INFO", "o.apache.catalina.core.StandardService", "Starting service [Tomcat]", ms=12, app=app)
    log.java("INFO", "w.s.c.ServletWebServerApplicationContext", "Root WebApplicationContext: initialization "
             "completed in 1784 ms", ms=102, app=app)
    return log


def go_panic(goroutine: int, message: str, frames: list[tuple[str, str]]) -> str:
    """A Go panic and the first goroutine's stack (frames: function, file:line)."""
    out = [f"panic: {message}", "", f"goroutine {goroutine} [running]:"]
    for fn, loc in frames:
        out += [fn, f"\t{loc}"]
    return "\n".join(out) + "\nexit status 2"


def python_traceback(frames: list[tuple[str, int, str, str]], error: str) -> str:
    """A Python traceback: frames are (file, line, function, source line)."""
    out = ["Traceback (most recent call last):"]
    for path, line, fn, src in frames:
        out += [f'  File "{path}", line {line}, in {fn}', f"    {src}"]
    out.append(error)
    return "\n".join(out)
