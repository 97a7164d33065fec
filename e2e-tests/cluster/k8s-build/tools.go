//go:build tools

// Package tools keeps the Kubernetes commands in this module's dependency graph so that
// `go mod tidy` records every module they need in go.sum. kubelet and kube-proxy are listed
// too, so a later real-node setup builds them from the same pinned graph.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
