"""The privacy boundary: everything that leaves the process passes through here, redacted.

- `events`: `EventRedactor`, the redaction of one serialised Rasa event;
- `store`: `RedactingSQLTrackerStore`, the tracker store (redacted rows only);
- `brokers`: the analytics side (SQL sink, RabbitMQ), redacted events only;
- `outbox`: the durable local queue for a database or broker that is down;
- `receipts`, `retention`: erasure and purge receipts, retention periods and the purge;
- `logs`: redacted logging for both servers;
- `audit`: the auditor's read side (figures, export, second detection pass).
"""
