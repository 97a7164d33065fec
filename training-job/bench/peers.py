"""Peers of the two-tower model on a split exported by `training-job train --export-split DIR`.

Every peer is fitted on train.csv only; hyper-parameters are chosen on validation.csv only (ranking peers by
validation recall@10, rating peers by validation RMSE); test.csv is read once, for the chosen settings.

The metrics mirror the training job's (io.recommender.training.eval.RankingMetrics / Evaluation) exactly:
- the candidates are every movie of movies.csv, in ascending movieId order (the job's dense item order);
- a user's training movies are excluded (validation movies are not excluded when scoring test, and test movies
  are not excluded when scoring validation: the job excludes training movies only);
- relevant = held-out rating >= 4; users with no relevant held-out movie are left out of the means;
- recall@10 = hits in the top 10 / number of the user's relevant held-out movies (not capped at 10);
- NDCG@10 = DCG of the hits (gain 1, discount log2(rank + 1)) / DCG of min(10, relevant) hits at the top;
- ties keep the lower movie index first (a stable sort);
- RMSE clips predictions to 0.5..5.

usage: peers.py SPLIT_DIR MOVIES_CSV SEED [--quick] [--no-implicit] [--no-surprise]
Prints one line per peer: name, chosen settings, validation figure, test RMSE / recall@10 / NDCG@10.
"""
import csv
import itertools
import math
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

K = 10
RELEVANT = 4.0


def load(path):
    with open(path, newline="") as f:
        return [(int(r["userId"]), int(r["movieId"]), float(r["rating"])) for r in csv.DictReader(f)]


class Data:
    def __init__(self, split_dir, movies_csv):
        with open(movies_csv, newline="") as f:
            self.movies = sorted(int(r["movieId"]) for r in csv.DictReader(f))
        self.item = {m: i for i, m in enumerate(self.movies)}
        self.train = load(f"{split_dir}/train.csv")
        self.validation = load(f"{split_dir}/validation.csv")
        self.test = load(f"{split_dir}/test.csv")
        self.users = sorted({u for u, _, _ in self.train + self.validation + self.test})
        self.user = {u: k for k, u in enumerate(self.users)}
        rows = [self.user[u] for u, _, _ in self.train]
        cols = [self.item[m] for _, m, _ in self.train]
        self.train_ratings = sp.csr_matrix((np.array([r for _, _, r in self.train], dtype=np.float32), (rows, cols)),
                                           shape=(len(self.users), len(self.movies)))
        self.train_binary = self.train_ratings.copy()
        self.train_binary.data[:] = 1.0
        self.seen = [self.train_ratings.indices[self.train_ratings.indptr[u]:self.train_ratings.indptr[u + 1]]
                     for u in range(len(self.users))]

    def relevant(self, part):
        rel = {}
        for u, m, r in part:
            if r >= RELEVANT:
                rel.setdefault(self.user[u], set()).add(self.item[m])
        return rel


def ranking(data, part, scores_of):
    """Mean recall@10 and NDCG@10 over users with a relevant movie in `part` (a list of ratings)."""
    rel = data.relevant(part)
    recall = ndcg = 0.0
    idcg = np.cumsum([1 / math.log2(r + 2) for r in range(K)])
    for u in sorted(rel):
        s = np.asarray(scores_of(u), dtype=np.float64).copy()
        s[data.seen[u]] = -np.inf
        top = np.argsort(-s, kind="stable")[:K]
        hits = [1.0 if i in rel[u] else 0.0 for i in top]
        recall += sum(hits) / len(rel[u])
        ndcg += sum(h / math.log2(r + 2) for r, h in enumerate(hits)) / idcg[min(K, len(rel[u])) - 1]
    n = len(rel)
    return recall / n, ndcg / n, n


def rmse(predict, part):
    sq = 0.0
    for u, m, r in part:
        sq += (min(5.0, max(0.5, predict(u, m))) - r) ** 2
    return math.sqrt(sq / len(part))


def report(name, settings, val, test_metrics, seconds):
    r, n, users, e = test_metrics
    rm = "-" if e is None else f"{e:.4f}"
    print(f"{name:24s} {settings:44s} val {val:.4f}  test RMSE {rm:>6s}  recall@10 {r:.4f}  NDCG@10 {n:.4f}"
          f"  ({users} users; {seconds:.0f} s)", flush=True)


def most_popular(data):
    pop = np.asarray(data.train_binary.sum(axis=0)).ravel()
    t = time.time()
    val = ranking(data, data.validation, lambda u: pop)[0]
    r, n, users = ranking(data, data.test, lambda u: pop)
    report("most popular", "training rating count", val, (r, n, users, None), time.time() - t)


def als(data, seed, quick):
    from implicit.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    def fit(factors, reg, alpha, values):
        m = AlternatingLeastSquares(factors=factors, regularization=reg, alpha=alpha, iterations=15,
                                    random_state=seed, use_gpu=False, num_threads=2)
        m.fit(data.train_binary if values == "binary" else data.train_ratings, show_progress=False)
        uf, itf = np.asarray(m.user_factors), np.asarray(m.item_factors)
        return lambda u: itf @ uf[u]

    t = time.time()
    with threadpool_limits(1, "blas"):
        d = fit(100, 0.01, 1.0, "binary")
        val = ranking(data, data.validation, d)[0]
        report("implicit ALS defaults", "factors 100, reg 0.01, alpha 1, binary", val,
               (*ranking(data, data.test, d), None), time.time() - t)
        t = time.time()
        grid = list(itertools.product([32, 64, 128, 256], [0.1, 1.0, 10.0, 50.0], [1.0, 5.0, 20.0, 40.0],
                                      ["binary", "rating"]))
        if quick:
            grid = grid[::9]
        best = None
        for g in grid:
            v = ranking(data, data.validation, fit(*g))[0]
            if best is None or v > best[0]:
                best = (v, g)
        d = fit(*best[1])
        report("implicit ALS tuned", "factors %d, reg %g, alpha %g, %s" % best[1], best[0],
               (*ranking(data, data.test, d), None), time.time() - t)


def item_knn(data):
    from implicit.nearest_neighbours import CosineRecommender

    t = time.time()
    best = None
    for k in [10, 20, 50, 100, 200]:
        m = CosineRecommender(K=k, num_threads=1)
        m.fit(data.train_binary, show_progress=False)
        scores = (data.train_binary @ m.similarity).toarray()
        v = ranking(data, data.validation, lambda u: scores[u])[0]
        if best is None or v > best[0]:
            best = (v, k, scores)
    report("implicit item-kNN cosine", f"K {best[1]}", best[0],
           (*ranking(data, data.test, lambda u: best[2][u]), None), time.time() - t)


def surprise_peers(data, seed, quick):
    import pandas as pd
    from surprise import SVD, BaselineOnly, Dataset, KNNBaseline, Reader

    trainset = Dataset.load_from_df(pd.DataFrame(data.train, columns=["u", "i", "r"]),
                                    Reader(rating_scale=(0.5, 5.0))).build_full_trainset()

    def predictor(algo):
        return lambda u, m: algo.predict(u, m).est

    t = time.time()
    b = BaselineOnly(bsl_options={"method": "als"}, verbose=False)
    b.fit(trainset)
    report("surprise BaselineOnly", "ALS, defaults", rmse(predictor(b), data.validation),
           (0, 0, 0, rmse(predictor(b), data.test)), time.time() - t)

    t = time.time()
    grid = list(itertools.product([50, 100, 200], [0.02, 0.05, 0.1], [0.005, 0.01], [20, 40]))
    if quick:
        grid = [(100, 0.05, 0.005, 20), (50, 0.1, 0.01, 20)]
    best = None
    for f, reg, lr, ep in grid:
        a = SVD(n_factors=f, reg_all=reg, lr_all=lr, n_epochs=ep, random_state=seed)
        a.fit(trainset)
        v = rmse(predictor(a), data.validation)
        if best is None or v < best[0]:
            best = (v, (f, reg, lr, ep), a)
    a = best[2]
    # Ranking by predicted rating (unknown movies: global mean + user bias), as surprise_svd.py does.
    mu = trainset.global_mean
    raw_to_inner = {trainset.to_raw_iid(i): i for i in trainset.all_items()}
    inner = np.array([raw_to_inner.get(m, -1) for m in data.movies])
    known = inner >= 0

    def scores(u):
        iu = trainset.to_inner_uid(data.users[u])
        s = np.full(len(data.movies), mu + a.bu[iu])
        s[known] += a.bi[inner[known]] + a.qi[inner[known]] @ a.pu[iu]
        return s

    r, n, users = ranking(data, data.test, scores)
    report("surprise SVD tuned", "factors %d, reg %g, lr %g, epochs %d" % best[1], best[0],
           (r, n, users, rmse(predictor(a), data.test)), time.time() - t)

    t = time.time()
    best = None
    for k in ([40] if quick else [20, 40, 80]):
        a = KNNBaseline(k=k, sim_options={"name": "pearson_baseline", "user_based": True}, verbose=False)
        a.fit(trainset)
        v = rmse(predictor(a), data.validation)
        if best is None or v < best[0]:
            best = (v, k, a)
    report("surprise KNNBaseline", f"user-based pearson_baseline, k {best[1]}", best[0],
           (0, 0, 0, rmse(predictor(best[2]), data.test)), time.time() - t)


def main(split_dir, movies_csv, seed="42", *flags):
    quick = "--quick" in flags
    data = Data(split_dir, movies_csv)
    print(f"split {split_dir}: {len(data.train)} train / {len(data.validation)} validation / {len(data.test)} test "
          f"ratings, {len(data.users)} users, {len(data.movies)} movies; seed {seed}", flush=True)
    if "--no-implicit" not in flags:
        most_popular(data)
        als(data, int(seed), quick)
        item_knn(data)
    if "--no-surprise" not in flags:
        surprise_peers(data, int(seed), quick)


if __name__ == "__main__":
    main(*sys.argv[1:])
