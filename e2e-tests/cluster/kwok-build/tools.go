//go:build tools

// Package tools keeps kwok's main package in the module graph so that `go mod tidy`
// records its dependencies in go.sum.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
