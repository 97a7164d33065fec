// The pod sandbox ("pause") process of the real node's pods; see ../images.sh.
module recommender.local/e2e-tests/node/pause

go 1.24.0
