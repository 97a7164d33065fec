//go:build tools

// Package tools keeps CoreDNS's main package in the module graph so that `go mod tidy`
// records its dependencies in go.sum.
package tools

import _ "github.com/coredns/coredns"
