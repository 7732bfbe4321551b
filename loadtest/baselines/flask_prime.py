"""The workshop's prime checker as a minimal Flask app: trial division, GET /check/<int:n>.

Baseline for `npm run loadtest:compare-flask`. Run with Debian's python3-flask:
  /usr/bin/python3 loadtest/baselines/flask_prime.py --port 5000          (Flask dev server)
  /usr/bin/gunicorn --chdir loadtest/baselines -w 2 -b 127.0.0.1:5000 flask_prime:app
"""
import argparse

from flask import Flask, jsonify

app = Flask(__name__)


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


@app.route("/check/<int:n>")
def check(n):
    return jsonify(number=n, is_prime=is_prime(n))


@app.route("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port)
