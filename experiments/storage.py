"""Sweep results in a real database, through SQLAlchemy 2 Core.

SQLite file by default (WAL mode), PostgreSQL by URL (``postgresql+psycopg://...``). The
schema follows Optuna's storage in spirit:

* ``experiments``: one row per experiment name, with its resolved definition and digest;
* ``runs``: one row per finished run (done or failed) with its parameters (JSON), seed,
  scenario name and hash, model version, status, timings, worker and error. The unique
  constraint ``(experiment_id, scenario, point, replication)`` means a run can never be
  stored twice; a run and all its outcome rows are written in the same transaction, so a
  killed sweep leaves either the whole run or nothing;
* ``state_steps`` / ``region_steps``: per-step outcomes (per state, and region aggregates);
* ``state_finals`` / ``region_finals``: last-step summaries;
* ``schema_info``: the schema version and the outcome columns it was created with.

Outcome columns come from the declarations in :mod:`model.parameters`. No Alembic: a results
database is a cache of reproducible computations (experiment file + model version), so when
the schema changes sovsim refuses to mix versions (one-line error) instead of migrating.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Double,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from model.parameters import REGION_OUTCOMES, STATE_OUTCOMES

from .records import RunRecord

T = TypeVar("T")
SCHEMA_VERSION = 1
DEFAULT_DB = "sqlite:///sovsim.sqlite"

STATE_COLUMNS: tuple[str, ...] = tuple(o.name for o in STATE_OUTCOMES)
#: Region frame columns: region outcomes, then state outcomes aggregated over states.
REGION_COLUMNS: tuple[str, ...] = tuple(o.name for o in REGION_OUTCOMES) + tuple(
    n for n in STATE_COLUMNS if n not in ("trust", "member"))


class StorageError(Exception):
    """A database problem a user can fix (unreachable, wrong schema, name clash)."""


class EmptyDatabase(StorageError):
    """The database is reachable but holds no sovsim schema yet."""


class StorageFault(StorageError):
    """The database failed during a sweep (disk full, server stopped, file deleted or made
    read-only, a lock never released). Runs stored before the fault are safe; rerunning the
    same command resumes. The CLI prints the message as one line and exits with code 1."""


#: Waits (seconds) between retries of a database operation that failed on a lost or
#: refused connection (a PostgreSQL restart, a network blip): about 8 s in all, then
#: :class:`StorageFault`.
RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 4.0)
#: How long a SQLite write waits for another connection's lock before failing.
SQLITE_BUSY_SECONDS = 30
_TRANSIENT = ("server closed the connection", "connection refused", "terminating connection",
              "could not connect", "connection to server", "the database system is",
              "connection timed out", "ssl connection has been closed", "connection reset",
              "no connection to the server", "consuming input failed")


def is_transient(exc: BaseException) -> bool:
    """A lost or refused database connection, worth retrying (not a full disk, a read-only
    database or a constraint)."""
    if getattr(exc, "connection_invalidated", False):
        return True
    if not isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return False
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(words in text for words in _TRANSIENT)


log = logging.getLogger(__name__)


def _columns_digest() -> str:
    text = json.dumps([STATE_COLUMNS, REGION_COLUMNS])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def build_metadata() -> MetaData:
    md = MetaData()
    Table("schema_info", md,
          Column("id", Integer, primary_key=True),
          Column("version", Integer, nullable=False),
          Column("columns_digest", String(32), nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False))
    Table("experiments", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("name", String(200), nullable=False, unique=True),
          Column("digest", String(32), nullable=False),
          Column("n_runs", BigInteger, nullable=False),
          Column("keep", String(20), nullable=False),
          Column("definition", JSON, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False))
    Table("runs", md,
          Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                 autoincrement=True),
          Column("experiment_id", Integer, ForeignKey("experiments.id", ondelete="CASCADE"),
                 nullable=False),
          Column("scenario", String(200), nullable=False),
          Column("scenario_hash", String(32), nullable=False),
          Column("point", Integer, nullable=False),
          Column("replication", Integer, nullable=False),
          Column("seed", BigInteger, nullable=False),
          Column("params", JSON, nullable=False),
          Column("model_version", String(40), nullable=False),
          Column("status", String(10), nullable=False),
          Column("started_at", DateTime(timezone=True), nullable=False),
          Column("finished_at", DateTime(timezone=True), nullable=False),
          Column("duration_s", Double, nullable=False),
          Column("worker", String(200), nullable=False),
          Column("error", Text),
          UniqueConstraint("experiment_id", "scenario", "point", "replication",
                           name="uq_run_key"))

    # Runs a sweep process is working on right now: several processes (on one machine or on
    # several hosts sharing a database) split an experiment's runs by claiming them here,
    # each claim a lease that expires, so a killed claimer's runs return to the pool.
    Table("claims", md,
          Column("experiment_id", Integer, ForeignKey("experiments.id", ondelete="CASCADE"),
                 primary_key=True),
          Column("scenario", String(200), primary_key=True),
          Column("point", Integer, primary_key=True),
          Column("replication", Integer, primary_key=True),
          Column("owner", String(200), nullable=False),
          Column("expires_at", DateTime(timezone=True), nullable=False))

    # An experiment's definitions over time: number 1 is the one first run, each later one
    # an extension that only added runs (more replications, a larger nested sample). A run
    # belongs to the first extension whose plan holds its point and replication.
    Table("extensions", md,
          Column("experiment_id", Integer, ForeignKey("experiments.id", ondelete="CASCADE"),
                 primary_key=True),
          Column("number", Integer, primary_key=True),
          Column("digest", String(32), nullable=False),
          Column("n_points", BigInteger, nullable=False),
          Column("replications", Integer, nullable=False),
          Column("n_runs", BigInteger, nullable=False),
          Column("definition", JSON, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False))

    def run_id() -> Column:
        return Column("run_id", BigInteger().with_variant(Integer, "sqlite"),
                      ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)

    Table("state_steps", md,
          run_id(),
          Column("step", Integer, primary_key=True),
          Column("iso3", String(3), primary_key=True),
          *[Column(n, Double) for n in STATE_COLUMNS])
    Table("region_steps", md,
          run_id(),
          Column("step", Integer, primary_key=True),
          *[Column(n, Double) for n in REGION_COLUMNS])
    Table("state_finals", md,
          run_id(),
          Column("iso3", String(3), primary_key=True),
          Column("step", Integer, nullable=False),
          *[Column(n, Double) for n in STATE_COLUMNS])
    Table("region_finals", md,
          run_id(),
          Column("step", Integer, nullable=False),
          *[Column(n, Double) for n in REGION_COLUMNS])
    return md


def normalise_url(db: str | None) -> str:
    """A SQLAlchemy URL from ``--db``: a URL as is, a bare path as a SQLite file."""
    if not db:
        return DEFAULT_DB
    if "://" in db:
        return db
    return f"sqlite:///{db}"


def redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for messages
        return url


def _one_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


class Storage:
    """A connection to a results database; creates the schema on first use."""

    def __init__(self, url: str | None = None, *, create: bool = True,
                 retry_delays: Sequence[float] = RETRY_DELAYS) -> None:
        self.url = normalise_url(url)
        self.retry_delays = tuple(retry_delays)
        self.metadata = build_metadata()
        t = self.metadata.tables
        self.experiments, self.runs = t["experiments"], t["runs"]
        self.state_steps, self.region_steps = t["state_steps"], t["region_steps"]
        self.state_finals, self.region_finals = t["state_finals"], t["region_finals"]
        self.schema_info, self.claims = t["schema_info"], t["claims"]
        self.extensions = t["extensions"]
        self._create = create
        self.engine = self._connect()
        self._check_schema(create)
        log.debug("connected to %s", redact(self.url))

    # -- connection and schema -----------------------------------------------------------------
    def _connect(self) -> Engine:
        shown = redact(self.url)
        try:
            url = make_url(self.url)
            kwargs: dict[str, Any] = {}
            if url.get_backend_name() == "postgresql":
                kwargs["connect_args"] = {"connect_timeout": 5}
                kwargs["pool_pre_ping"] = True  # a restarted server: reconnect, not fail
            engine = create_engine(url, **kwargs)
        except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ImportError, ValueError) as exc:
            raise StorageError(f"bad database URL {shown!r}: {_one_line(exc)}") from None
        if engine.dialect.name == "sqlite":
            self._check_sqlite_path(engine)
            event.listen(engine, "connect", _sqlite_pragmas)
        try:
            with engine.connect() as conn:
                conn.execute(select(1))
        except (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DatabaseError,
                OSError) as exc:
            engine.dispose()
            raise StorageError(f"cannot connect to database {shown}: {_one_line(exc)}") from None
        return engine

    def _check_sqlite_path(self, engine: Engine) -> None:
        """A SQLite file that is not there: reading commands say so (and never create an
        empty file); a sweep whose folder is missing says which folder."""
        path = engine.url.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return
        file = Path(path)
        try:
            exists = file.exists()
            folder_ok = file.parent.is_dir()
        except OSError as exc:
            engine.dispose()
            raise StorageError(f"cannot open database {path}: {exc.strerror or exc}") from None
        if not exists and not self._create:
            engine.dispose()
            raise EmptyDatabase(f"no database file {path} (nothing has been stored there yet)")
        if not exists and not folder_ok:
            engine.dispose()
            raise StorageError(f"cannot create database {path}: folder {file.parent} does not "
                               "exist; create it or choose another --db")

    def _check_schema(self, create: bool) -> None:
        try:
            with self.engine.begin() as conn:
                has = self.engine.dialect.has_table(conn, "schema_info")
                if not has:
                    foreign = [name for name in self.metadata.tables
                               if self.engine.dialect.has_table(conn, name)]
                    if foreign:
                        raise StorageError(
                            f"database {redact(self.url)} is not a sovsim results database "
                            f"(it has its own {', '.join(foreign)} table"
                            f"{'s' if len(foreign) > 1 else ''} and no sovsim schema_info); "
                            "use a new database for sovsim results")
                    if not create:
                        raise EmptyDatabase(f"{redact(self.url)} holds no sovsim results")
                    log.info("creating the sovsim schema in %s", redact(self.url))
                    self.metadata.create_all(conn)
                    conn.execute(insert(self.schema_info).values(
                        id=1, version=SCHEMA_VERSION, columns_digest=_columns_digest(),
                        created_at=datetime.now(UTC)))
                    return
                row = conn.execute(select(self.schema_info)).first()
                if create and not self.engine.dialect.has_table(conn, "claims"):
                    self.claims.create(conn)  # a database made before claims existed
                if create and not self.engine.dialect.has_table(conn, "extensions"):
                    self.extensions.create(conn)  # ... or before extensions
        except sa_exc.IntegrityError:  # a concurrent process created it first
            return self._check_schema(create)
        except StorageError:
            self.engine.dispose()
            raise
        except sa_exc.SQLAlchemyError as exc:
            self.engine.dispose()
            raise StorageError(f"database {redact(self.url)}: {_one_line(exc)}") from None
        if row is None or row.version != SCHEMA_VERSION or \
                row.columns_digest != _columns_digest():
            found = "none" if row is None else f"{row.version}/{row.columns_digest}"
            raise StorageError(
                f"database {redact(self.url)} has sovsim schema {found}, this sovsim writes "
                f"{SCHEMA_VERSION}/{_columns_digest()}; use a new database file (results are "
                "reproducible from the experiment file)")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- experiments ---------------------------------------------------------------------------
    def register(self, name: str, digest: str, n_runs: int, keep: str,
                 definition: dict[str, Any],
                 extension_problem: Callable[[dict[str, Any]], str | None] | None = None
                 ) -> int:
        """The experiment's id, creating it. A stored experiment of the same name must have
        the same digest (the same runs), or one of its earlier definitions' digests (a
        process still on the file before an extension), or be extended by this definition:
        ``extension_problem(stored definition)`` returns None when the new definition only
        adds runs (recorded as a new row of ``extensions``), else why not. Otherwise
        :class:`StorageError`."""
        with self.engine.begin() as conn:
            row = conn.execute(select(self.experiments.c.id, self.experiments.c.digest,
                                      self.experiments.c.definition)
                               .where(self.experiments.c.name == name)).first()
            if row is None:
                try:
                    exp_id = conn.execute(insert(self.experiments).values(
                        name=name, digest=digest, n_runs=n_runs, keep=keep,
                        definition=definition, created_at=datetime.now(UTC))
                        .returning(self.experiments.c.id)).scalar_one()
                    self._add_extension(conn, exp_id, 1, digest, definition)
                    return exp_id
                except sa_exc.IntegrityError:
                    pass
        if row is None:  # lost a race with another process: read its row
            return self.register(name, digest, n_runs, keep, definition, extension_problem)
        if row.digest == digest or digest in self._digests(row.id):
            return row.id
        why = "no extension check was given" if extension_problem is None else \
            extension_problem(row.definition)
        if why is not None:
            raise StorageError(
                f"experiment {name!r} in {redact(self.url)} was run with a different "
                f"definition (hash {row.digest}, this file {digest}) and this file does not "
                f"extend it: {why}; rename the experiment or use another database")
        try:
            with self.engine.begin() as conn:
                history = self._history(conn, row.id)
                if not history:  # an experiment stored before extensions were recorded
                    self._add_extension(conn, row.id, 1, row.digest, row.definition)
                    history = [1]
                self._add_extension(conn, row.id, max(history) + 1, digest, definition)
                log.info("experiment %s extended: definition %d, hash %s -> %s, %d runs",
                         name, max(history) + 1, row.digest, digest, n_runs)
                conn.execute(self.experiments.update()
                             .where(self.experiments.c.id == row.id,
                                    self.experiments.c.digest == row.digest)
                             .values(digest=digest, n_runs=n_runs, definition=definition))
        except sa_exc.IntegrityError:  # another process extended it at the same moment
            pass
        return self.register(name, digest, n_runs, keep, definition, extension_problem)

    def _add_extension(self, conn, exp_id: int, number: int, digest: str,
                       definition: dict[str, Any]) -> None:
        reps = int(definition.get("replications", 1))
        scenarios = max(1, len(definition.get("scenarios", {})))
        n_runs = int(definition.get("n_runs", 0))
        conn.execute(insert(self.extensions).values(
            experiment_id=exp_id, number=number, digest=digest,
            n_points=n_runs // (reps * scenarios) if reps else 0, replications=reps,
            n_runs=n_runs, definition=definition, created_at=datetime.now(UTC)))

    def _has_extensions(self) -> bool:
        with self.engine.connect() as conn:
            return self.engine.dialect.has_table(conn, "extensions")

    def _history(self, conn, exp_id: int) -> list[int]:
        return list(conn.execute(select(self.extensions.c.number)
                                 .where(self.extensions.c.experiment_id == exp_id)).scalars())

    def _digests(self, exp_id: int) -> set[str]:
        if not self._has_extensions():
            return set()
        with self.engine.connect() as conn:
            return set(conn.execute(select(self.extensions.c.digest)
                                    .where(self.extensions.c.experiment_id == exp_id))
                       .scalars())

    def extension_history(self, exp_id: int) -> list[dict[str, Any]]:
        """Every definition of an experiment, first one first: number, digest, n_points,
        replications, n_runs, created_at (and the definition); empty for a database made
        before extensions were recorded."""
        if not self._has_extensions():
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.extensions)
                                .where(self.extensions.c.experiment_id == exp_id)
                                .order_by(self.extensions.c.number)).all()
        return [dict(r._mapping) for r in rows]

    def experiment(self, name: str) -> dict[str, Any]:
        """The stored experiment row as a dict, or :class:`StorageError`."""
        with self.engine.connect() as conn:
            row = conn.execute(select(self.experiments)
                               .where(self.experiments.c.name == name)).first()
            if row is None:
                names = conn.execute(select(self.experiments.c.name)).scalars().all()
        if row is None:
            known = ", ".join(names) if names else "none"
            raise StorageError(f"no experiment {name!r} in {redact(self.url)}; "
                               f"stored experiments: {known}")
        return dict(row._mapping)

    def experiment_names(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(self.experiments.c.name)).scalars())

    def finished_keys(self, experiment_id: int, *, include_failed: bool = True
                      ) -> set[tuple[str, int, int]]:
        r = self.runs.c
        q = select(r.scenario, r.point, r.replication).where(r.experiment_id == experiment_id)
        if not include_failed:
            q = q.where(r.status == "done")
        with self.engine.connect() as conn:
            return {tuple(row) for row in conn.execute(q)}

    # -- claims: several sweep processes on one database --------------------------------------
    def claim(self, experiment_id: int, keys: Sequence[tuple[str, int, int]], owner: str,
              lease_seconds: float) -> list[tuple[str, int, int]]:
        """Claim the runs ``keys`` for ``owner`` atomically; return those now ours (in the
        given order): not stored yet, and not claimed by another live owner. An expired
        claim, or one of a dead process on this host, is taken over."""
        if not keys:
            return []
        c, r = self.claims.c, self.runs.c
        now = datetime.now(UTC)
        expires = datetime.fromtimestamp(time.time() + lease_seconds, UTC)
        wanted = set(keys)
        scenarios = sorted({k[0] for k in keys})
        points = sorted({k[1] for k in keys})
        with self.engine.begin() as conn:
            held = conn.execute(select(c.scenario, c.point, c.replication, c.owner,
                                       c.expires_at).where(
                c.experiment_id == experiment_id, c.scenario.in_(scenarios),
                c.point.in_(points))).all()
            for row in held:
                key = (row.scenario, row.point, row.replication)
                if key in wanted and row.owner != owner and _stale(row.owner, row.expires_at,
                                                                   now):
                    conn.execute(delete(self.claims).where(
                        c.experiment_id == experiment_id, c.scenario == row.scenario,
                        c.point == row.point, c.replication == row.replication,
                        c.owner == row.owner))
            # one statement executed for many rows (compiled once), not a VALUES list
            conn.execute(_insert_ignore(self.engine, self.claims), [
                {"experiment_id": experiment_id, "scenario": k[0], "point": k[1],
                 "replication": k[2], "owner": owner, "expires_at": expires} for k in keys])
            mine = {tuple(row) for row in conn.execute(
                select(c.scenario, c.point, c.replication).where(
                    c.experiment_id == experiment_id, c.owner == owner,
                    c.scenario.in_(scenarios), c.point.in_(points)))}
            done = {tuple(row) for row in conn.execute(
                select(r.scenario, r.point, r.replication).where(
                    r.experiment_id == experiment_id, r.scenario.in_(scenarios),
                    r.point.in_(points)))}
        ours = [k for k in keys if k in mine and k not in done]
        log.debug("claimed %d of %d runs for %s", len(ours), len(keys), owner)
        return ours

    def renew(self, experiment_id: int, owner: str, lease_seconds: float) -> None:
        """Extend the lease of every claim of ``owner``."""
        expires = datetime.fromtimestamp(time.time() + lease_seconds, UTC)
        with self.engine.begin() as conn:
            conn.execute(self.claims.update().where(
                self.claims.c.experiment_id == experiment_id,
                self.claims.c.owner == owner).values(expires_at=expires))

    def release(self, experiment_id: int, owner: str) -> None:
        """Give back every claim of ``owner`` (runs it did not finish)."""
        with self.engine.begin() as conn:
            conn.execute(delete(self.claims).where(
                self.claims.c.experiment_id == experiment_id, self.claims.c.owner == owner))

    def claimed_elsewhere(self, experiment_id: int, owner: str) -> int:
        """Runs of the experiment claimed by other live owners right now."""
        now = datetime.now(UTC)
        c = self.claims.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.owner, c.expires_at).where(
                c.experiment_id == experiment_id, c.owner != owner)).all()
        return sum(1 for row in rows if not _stale(row.owner, row.expires_at, now))

    def delete_failed(self, experiment_id: int) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(self.runs).where(
                self.runs.c.experiment_id == experiment_id,
                self.runs.c.status == "failed")).rowcount

    def counts(self, experiment_id: int) -> dict[str, dict[str, int]]:
        """``{scenario: {"done": n, "failed": n}}``."""
        r = self.runs.c
        out: dict[str, dict[str, int]] = {}
        with self.engine.connect() as conn:
            for scenario, status, n in conn.execute(
                    select(r.scenario, r.status, func.count()).where(
                        r.experiment_id == experiment_id).group_by(r.scenario, r.status)):
                out.setdefault(scenario, {"done": 0, "failed": 0})[status] = n
        return out

    # -- writing -------------------------------------------------------------------------------
    def write(self, experiment_id: int, records: Sequence[RunRecord],
              keep_columns: set[str] | None = None) -> int:
        """Store finished runs with their outcomes in one transaction; return how many were
        new. A run already stored (a concurrent sweep) is skipped, never duplicated.
        ``keep_columns``: outcome columns to store (others stay NULL); None = all."""
        if not records:
            return 0
        cols = _Columns(keep_columns)
        try:
            self.retrying(lambda: self._write_all(experiment_id, records, cols),
                          "storing runs")
            return len(records)
        except sa_exc.IntegrityError:
            pass
        written = 0  # slow path: someone else (or a retried commit) stored some of these
        for rec in records:
            try:
                self.retrying(lambda rec=rec: self._write_all(experiment_id, [rec], cols),
                              "storing runs")
                written += 1
            except sa_exc.IntegrityError:
                continue
        return written

    def _write_all(self, experiment_id: int, records: Sequence[RunRecord],
                   cols: _Columns) -> None:
        with self.engine.begin() as conn:
            self._insert(conn, experiment_id, records, cols)

    def retrying(self, operation: Callable[[], T], what: str) -> T:
        """Run ``operation``; retry it after :data:`RETRY_DELAYS` while the connection is
        lost or refused; any other database failure (or running out of retries) becomes a
        one-line :class:`StorageFault`. Constraint violations (``IntegrityError``) pass
        through for the caller. Each attempt is a whole transaction, so a retry never
        stores a run twice."""
        delays = list(self.retry_delays)
        while True:
            try:
                return operation()
            except sa_exc.IntegrityError:
                raise
            except (sa_exc.SQLAlchemyError, OSError) as exc:
                if is_transient(exc) and delays:
                    delay = delays.pop(0)
                    log.info("database %s: connection lost while %s (%s); retrying in "
                                "%g s", redact(self.url), what, _one_line(exc), delay)
                    time.sleep(delay)
                    continue
                tried = len(self.retry_delays) - len(delays)
                again = f" (after {tried} retries)" if tried else ""
                reason = _one_line(exc)
                if "database is locked" in reason:
                    reason += (" (another program has held a write lock on it for "
                               f"{SQLITE_BUSY_SECONDS} s; close it)")
                raise StorageFault(f"database {redact(self.url)} failed while {what}"
                                   f"{again}: {reason}") from None

    def stored_count(self, experiment_id: int) -> int:
        """Runs of an experiment in the database, read on a fresh connection."""
        self.engine.dispose()  # never a pooled connection to a file that was replaced
        return self.retrying(lambda: self._count(experiment_id), "counting stored runs")

    def _count(self, experiment_id: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self.runs).where(
                self.runs.c.experiment_id == experiment_id)).scalar_one()

    def file_identity(self) -> tuple[int, int] | None:
        """(device, inode) of a SQLite database file, None for a server database."""
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        if not path or path == ":memory:":
            return None
        try:
            st = os.stat(path)
        except OSError:
            return (-1, -1)
        return (st.st_dev, st.st_ino)

    def _insert(self, conn, experiment_id: int, records: Sequence[RunRecord],
                cols: _Columns) -> None:
        rows = [{"experiment_id": experiment_id, "scenario": r.scenario,
                 "scenario_hash": r.scenario_hash, "point": r.point,
                 "replication": r.replication, "seed": r.seed, "params": r.params,
                 "model_version": r.model_version, "status": r.status,
                 "started_at": r.started_at, "finished_at": r.finished_at,
                 "duration_s": r.duration_s, "worker": r.worker, "error": r.error}
                for r in records]
        ids = conn.execute(insert(self.runs).returning(self.runs.c.id,
                                                       sort_by_parameter_order=True),
                           rows).scalars().all()
        c = self.claims.c
        # the runs are stored: their claims (if any) go in the same commit (one statement
        # executed for every run)
        conn.execute(delete(self.claims).where(
            c.experiment_id == experiment_id, c.scenario == bindparam("claim_scenario"),
            c.point == bindparam("claim_point"),
            c.replication == bindparam("claim_replication")),
            [{"claim_scenario": r.scenario, "claim_point": r.point,
              "claim_replication": r.replication} for r in records])
        state_steps: list[dict[str, Any]] = []
        region_steps: list[dict[str, Any]] = []
        state_finals: list[dict[str, Any]] = []
        region_finals: list[dict[str, Any]] = []
        for run_id, r in zip(ids, records, strict=True):
            if r.status != "done":
                continue
            sn, si, rn, ri = cols.state_names, cols.state_idx, cols.region_names, cols.region_idx
            if r.state_steps is not None:
                for t, block in enumerate(r.state_steps[:, :, si].tolist()):
                    for iso3, values in zip(r.iso3, block):
                        row = dict(zip(sn, values))
                        row.update(run_id=run_id, step=t, iso3=iso3)
                        state_steps.append(row)
            if r.region_steps is not None:
                for t, values in enumerate(r.region_steps[:, ri].tolist()):
                    row = dict(zip(rn, values))
                    row.update(run_id=run_id, step=t)
                    region_steps.append(row)
            for iso3, values in zip(r.iso3, r.state_final[:, si].tolist()):
                row = dict(zip(sn, values))
                row.update(run_id=run_id, iso3=iso3, step=r.final_step)
                state_finals.append(row)
            row = dict(zip(rn, r.region_final[ri].tolist()))
            row.update(run_id=run_id, step=r.final_step)
            region_finals.append(row)
        for table, data in ((self.state_steps, state_steps), (self.region_steps, region_steps),
                            (self.state_finals, state_finals),
                            (self.region_finals, region_finals)):
            if data:
                conn.execute(insert(table), data)


class _Columns:
    """The outcome columns to store, as names and array indices."""

    def __init__(self, keep: set[str] | None) -> None:
        self.state_idx = [k for k, n in enumerate(STATE_COLUMNS) if keep is None or n in keep]
        self.region_idx = [k for k, n in enumerate(REGION_COLUMNS) if keep is None or n in keep]
        self.state_names = [STATE_COLUMNS[k] for k in self.state_idx]
        self.region_names = [REGION_COLUMNS[k] for k in self.region_idx]


def _stale(owner: str, expires_at: datetime, now: datetime) -> bool:
    """A claim nobody is working on: its lease ran out, or its owner was a process on this
    host that is gone (a killed sweep; resuming must not wait for the lease)."""
    if expires_at.tzinfo is None:  # SQLite returns naive datetimes (stored as UTC)
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at < now:
        return True
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


def _insert_ignore(engine: Engine, table: Table):
    """INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cur.close()


def chunked(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
