"""Transparency and compliance kit: what Guichet does, derived from its own configuration.

- `facts`: one dictionary gathered from retention.yml, the redaction policy, the endpoints
  file, config.yml, the training data, the catalogue, compliance/administration.yml and the
  last measurements (`measurements`);
- `render`: the public transparency page (HTML and JSON) and the documents of
  `guichet compliance` (record of processing, DPIA, algorithm notice, AI Act article 50), from
  the French templates of compliance/templates/.
"""
