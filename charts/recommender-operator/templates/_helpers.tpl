{{/* The labels of every object: operator/deploy's (kustomize's labels), then Helm's own. */}}
{{- define "recommender-operator.labels" -}}
app.kubernetes.io/part-of: recommender-operator
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* The operator's image: repository@digest when a digest is given, else repository:tag. */}}
{{- define "recommender-operator.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" $image.digest) -}}
{{- fail (printf "image.digest %q is not a digest: give sha256: and 64 hex digits (scripts/publish.sh writes it)" $image.digest) -}}
{{- end -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else if $image.tag -}}
{{- printf "%s:%s" $image.repository (toString $image.tag) -}}
{{- else -}}
{{- fail "image: give image.digest (sha256:..., as scripts/publish.sh writes it) or image.tag; the operator's image cannot be left open" -}}
{{- end -}}
{{- end -}}

{{/* A default image must name a tag or a digest: an untagged name would silently mean :latest. */}}
{{- define "recommender-operator.defaultImage" -}}
{{- $ref := index . 1 -}}
{{- if not (regexMatch "^[^@]+(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$" (toString $ref)) -}}
{{- fail (printf "defaultImages.%s %q: give an image with a tag or a digest (REPO:TAG or REPO@sha256:...)" (index . 0) $ref) -}}
{{- end -}}
{{- $ref -}}
{{- end -}}
