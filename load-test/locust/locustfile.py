"""The Locust master's side of a run whose users are the Java load generator (load-test --locust-master).

A Locust master needs a user class to hand out; the Java worker runs its users in this class's place and reports
their requests under "POST /predict" (or "GET /v1/recommendations/{userId}"). The task below is what a Python worker
would run instead: the same request.
"""
import random

from locust import HttpUser, constant, task


class RecommenderUser(HttpUser):
    wait_time = constant(0)

    @task
    def predict(self):
        self.client.post("/predict", json={"uid": random.randint(1, 610)}, name="/predict")
