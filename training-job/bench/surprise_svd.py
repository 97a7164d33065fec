"""scikit-surprise SVD on a split exported by `training-job train --export-split DIR`, scored like the
training job: RMSE on test.csv, and recall@10 / NDCG@10 over all movies of movies.csv, each user's training
movies excluded, relevant = test rating >= 4.

usage: surprise_svd.py SPLIT_DIR MOVIES_CSV [SEED]
"""
import csv
import math
import sys
import time

import numpy as np
from surprise import SVD, Dataset, Reader


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [(int(r["userId"]), int(r["movieId"]), float(r["rating"])) for r in rows]


def main(split_dir, movies_csv, seed="42"):
    train, test = load(f"{split_dir}/train.csv"), load(f"{split_dir}/test.csv")
    with open(movies_csv, newline="") as f:
        movies = [int(r["movieId"]) for r in csv.DictReader(f)]
    import pandas as pd

    data = Dataset.load_from_df(pd.DataFrame(train, columns=["u", "i", "r"]), Reader(rating_scale=(0.5, 5.0)))
    trainset = data.build_full_trainset()
    start = time.time()
    algo = SVD(random_state=int(seed))
    algo.fit(trainset)
    fit_seconds = time.time() - start

    sq = sum((min(5.0, max(0.5, algo.predict(u, i).est)) - r) ** 2 for u, i, r in test)
    rmse = math.sqrt(sq / len(test))

    # Ranking: score every movie with the fitted factors (unknown movies: global mean + user bias).
    mu = trainset.global_mean
    raw_to_inner = {trainset.to_raw_iid(i): i for i in trainset.all_items()}
    inner_items = np.array([raw_to_inner.get(m, -1) for m in movies])
    known = inner_items >= 0
    seen = {}
    for u, i, _ in train:
        seen.setdefault(u, set()).add(i)
    relevant = {}
    for u, i, r in test:
        if r >= 4.0:
            relevant.setdefault(u, set()).add(i)
    recall = ndcg = 0.0
    for u, rel in relevant.items():
        iu = trainset.to_inner_uid(u)
        scores = np.full(len(movies), mu + algo.bu[iu])
        scores[known] += algo.bi[inner_items[known]] + algo.qi[inner_items[known]] @ algo.pu[iu]
        for k, m in enumerate(movies):
            if m in seen.get(u, ()):
                scores[k] = -np.inf
        top = [movies[k] for k in np.argsort(-scores, kind="stable")[:10]]
        hits = [1 if m in rel else 0 for m in top]
        recall += sum(hits) / len(rel)
        dcg = sum(h / math.log2(r + 2) for r, h in enumerate(hits))
        ideal = sum(1 / math.log2(r + 2) for r in range(min(10, len(rel))))
        ndcg += dcg / ideal
    n = len(relevant)
    print(f"surprise SVD: RMSE {rmse:.4f}  recall@10 {recall / n:.4f}  NDCG@10 {ndcg / n:.4f}  (fit {fit_seconds:.1f} s)")


if __name__ == "__main__":
    main(*sys.argv[1:])
