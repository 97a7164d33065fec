//go:build tools

// Package tools keeps helm's main package in the module graph so that `go mod tidy`
// records its dependencies in go.sum.
package tools

import _ "helm.sh/helm/v4/cmd/helm"
