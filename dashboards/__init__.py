"""The Grafana dashboards of Motus, as code (Grafana's grafana-foundation-sdk).

`python -m dashboards` writes them to grafana/dashboards/, where Grafana's file
provisioning loads them; `python -m dashboards --check` fails when the committed
JSON differs from what this code produces. Never edited in Grafana's UI.
"""
