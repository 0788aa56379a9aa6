"""The control area's business actions, one module per kind of record: the registry
(register, correct, move, status, risk, assignments, the file's opening: ``registry``),
orders and tests (``orders``), leave (``leave``), follow-ups and three clean years
(``followups``), visits (``contacts``), reports after a move (``moves``) and grid relapse
reports (``relapse``); ``common`` holds what they share (audit rows, date checks).

Each action takes the acting user first (``None`` for the system), checks permission,
validates (asking ``control.rules``), writes and audits in one transaction.
"""
