"""Two people pressing the same button at the same moment: two real requests on two database connections."""

import threading

from django.db import connection
from django.test import Client


def post_twice_at_once(user, url, data):
    """POST `data` to `url` as `user` from two threads released together; the two status codes, in finishing order.
    Needs a transactional test, so each thread's connection sees the test's rows."""
    barrier, answers = threading.Barrier(2), []

    def post():
        client = Client()
        client.force_login(user)
        barrier.wait()
        answers.append(client.post(url, data).status_code)
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers
