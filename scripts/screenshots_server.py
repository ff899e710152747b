"""Screenshots of first run's server choice and of a server's bad day for docs/.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_server.py [--out docs]

Writes first-run-server.png (the store's server chosen, Test connection passed) and
db-problem-server.png (the server does not answer). The connection test's answer is
made up here (no server needed); what it says is what ``app.server_setup`` says.
"""

from __future__ import annotations

from _shots import SIZE, grab, start


def main() -> None:
    app, out = start(__doc__)
    from app import server_setup
    from app.dbserver import problem
    from db.health import DatabaseServerError, ServerProblem
    from ui.db_problem import DbProblemWindow
    from ui.server_choice import ServerChoicePage
    from ui.theme import apply_theme

    apply_theme(app)
    server_setup.check_server = lambda url: server_setup.ServerCheck(
        "comeback on kafe-server:5432", [(1, "Fjord Kafé")])
    server_setup.remember = lambda *args, **kwargs: None
    page = ServerChoicePage()
    page.choices["server"].setChecked(True)
    page.form.host.setText("kafe-server")
    page.form.user.setText("counter")
    page.terminal.setText("Bar")
    page.form.test()
    page.resize(*SIZE)
    page.show()
    grab(page, app, out / "first-run-server.png")
    page.close()

    error = DatabaseServerError(
        ServerProblem.UNREACHABLE, "comeback on kafe-server:5432",
        'connection to server at "kafe-server" (192.168.1.20), port 5432 failed: '
        "Connection refused")
    window = DbProblemWindow(problem(error))
    window.resize(860, 440)
    window.show()
    grab(window, app, out / "db-problem-server.png")


if __name__ == "__main__":
    main()
