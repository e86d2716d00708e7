"""Every public function in an app's services.py is reached by something a person or a schedule can start.

A service that only demo code or tests call is a capability nobody has: the first wave had several
(`start_intervention`, `add_condition`, ...), all green in their tests, none on a page. This guard reads
the code (no imports, no running server) and follows references from the entry points a user or the
scheduler reaches (URL configurations, the API, jobs and tasks, management commands, anything named in
settings) through every module, class and function they reference. Demo code, migrations, the benchmark
and the tests are no entry points: what only they reach is reported.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "partners", "referrals", "outcomes", "cohorts", "reporting", "notifications", "jobs", "web", "config")

# Module names (the last part) that a person or the scheduler reaches directly.
ENTRY_MODULES = {"urls", "api_urls", "tasks", "jobs", "settings", "celery", "wsgi", "asgi"}
NOT_ENTRY = {"seed_demo"}  # a management command that is demo code itself
DEMO = {"demo"}

# Services reached in a way this reading cannot follow, each with its reason. Keep it short.
ALLOWED: dict[str, str] = {}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield _module_name(path).removesuffix(".__init__"), path


class _Module:
    """One module's top-level definitions and what each of them references."""

    def __init__(self, name, tree):
        self.name = name
        self.package = name if name.endswith(".__init__") else name.rpartition(".")[0]
        self.aliases: dict[str, str] = {}  # local name -> dotted target ("referrals.services" or "...services.f")
        self.defs: dict[str, list[ast.AST]] = {}
        self.top: list[ast.AST] = []  # module-level code that runs on import
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    # "import a.b" binds "a"; "import a.b as c" binds "c" to "a.b"
                    top = alias.name.split(".")[0]
                    self.aliases[alias.asname or top] = alias.name if alias.asname else top
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(node)
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # Decorators run on import (a job's @job registers it), the body when it is called.
                self.top.extend(node.decorator_list)
                self.defs[node.name] = [node]
            else:
                self.top.append(node)

    def _absolute(self, node):
        if not node.level:
            return node.module or ""
        parts = self.name.split(".")[: -node.level]
        return ".".join(parts + ([node.module] if node.module else []))

    def references(self, nodes):
        """Dotted names (module, module.attr, or this module's own defs) the nodes mention."""
        found = set()
        for root in nodes:
            for node in ast.walk(root):
                if isinstance(node, ast.Name):
                    if node.id in self.defs:
                        found.add(f"{self.name}.{node.id}")
                    elif node.id in self.aliases:
                        found.add(self.aliases[node.id])
                elif isinstance(node, ast.Attribute):
                    chain, value = [node.attr], node.value
                    while isinstance(value, ast.Attribute):
                        chain.append(value.attr)
                        value = value.value
                    if isinstance(value, ast.Name) and value.id in self.aliases:
                        target = self.aliases[value.id]
                        for attr in reversed(chain):
                            target = f"{target}.{attr}"
                            found.add(target)
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
                    # Dotted paths in strings: settings (middleware, backends), include("app.urls"), task names.
                    found.add(node.value.strip())
        return found


def _reachability():
    modules = {name: _Module(name, ast.parse(path.read_text(), str(path))) for name, path in _sources()}

    def resolve(dotted):
        """The (module, definition or None) a dotted name stands for, following re-exports once."""
        for _ in range(3):
            if dotted in modules:
                return dotted, None
            module, _, attr = dotted.rpartition(".")
            if module not in modules:
                # "pkg.module.Class.method": try one level up
                head, _, _ = module.rpartition(".")
                if head in modules and module.rpartition(".")[2] in modules[head].defs:
                    return head, module.rpartition(".")[2]
                return None
            if attr in modules[module].defs:
                return module, attr
            if attr in modules[module].aliases:
                dotted = modules[module].aliases[attr]
                continue
            return module, None
        return None

    seen, stack = set(), []

    def reach(key):
        if key not in seen:
            seen.add(key)
            stack.append(key)

    for name in modules:
        last = name.rpartition(".")[2]
        if (last in ENTRY_MODULES or ".management.commands." in name) and last not in NOT_ENTRY:
            reach((name, None))
            for definition in modules[name].defs:  # a command's Command, a jobs module's functions
                reach((name, definition))
    while stack:
        module_name, definition = stack.pop()
        module = modules[module_name]
        if definition is None:
            refs = module.references(module.top)
        else:
            refs = module.references(module.defs[definition])
            reach((module_name, None))  # using a definition imports its module
        for ref in refs:
            target = resolve(ref)
            if target is None:
                continue
            if target[0].rpartition(".")[2] in DEMO:
                continue
            reach(target)
    services = {
        (name, definition)
        for name, module in modules.items() if name.endswith(".services")
        for definition, nodes in module.defs.items()
        if not definition.startswith("_") and isinstance(nodes[0], (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    return services, seen


def test_every_public_service_has_a_caller_a_person_or_the_scheduler_reaches():
    services, reached = _reachability()
    assert len(services) > 50, "the guard found too few services: it is reading the wrong files"
    unreached = sorted(f"{m}.{d}" for m, d in services - reached if f"{m}.{d}" not in ALLOWED)
    assert not unreached, (
        "These services are reached only from demo code or tests (or nothing): give each a page, an API "
        "endpoint or a job that calls it, or remove it:\n  " + "\n  ".join(unreached)
    )


def test_the_allow_list_names_only_services_that_exist_and_need_it():
    services, reached = _reachability()
    names = {f"{m}.{d}" for m, d in services}
    stale = [name for name in ALLOWED if name not in names or tuple(name.rsplit(".", 1)) in reached]
    assert not stale, f"Allow-list entries that no longer exist or are reached anyway: {stale}"


def test_the_guard_sees_a_service_that_only_demo_code_calls(tmp_path, monkeypatch):
    """The guard itself can fail: a service called from demo code only is reported."""
    app = tmp_path / "partners"
    (app / "management" / "commands").mkdir(parents=True)
    (app / "services.py").write_text("def used():\n    pass\n\n\ndef only_demo():\n    pass\n" + "".join(
        f"\n\ndef s{i}():\n    pass\n" for i in range(60)))
    (app / "views.py").write_text("from . import services\n\n\ndef page(request):\n    services.used()\n")
    (app / "urls.py").write_text("from . import views\n\nurlpatterns = [views.page] + [" + ", ".join(
        f"services.s{i}" for i in range(60)) + "]\nfrom . import services\n")
    (app / "demo.py").write_text("from .services import only_demo\n\n\ndef seed():\n    only_demo()\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "APPS", ("partners",))
    services, reached = _reachability()
    unreached = {f"{m}.{d}" for m, d in services - reached}
    assert unreached == {"partners.services.only_demo"}
