{{/*
Names. fullname is the prefix of every object: <release>-tempomall, or the
release name alone when it already contains "tempomall".
*/}}
{{- define "tempomall.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tempomall.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tempomall.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "tempomall.labels" -}}
helm.sh/chart: {{ include "tempomall.chart" . }}
app.kubernetes.io/name: {{ include "tempomall.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one process; call with (dict "root" $ "component" NAME). */}}
{{- define "tempomall.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tempomall.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "tempomall.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tempomall.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tempomall.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "tempomall.configMapName" -}}
{{- printf "%s-config" (include "tempomall.fullname" .) }}
{{- end }}

{{- define "tempomall.secretName" -}}
{{- default (printf "%s-secrets" (include "tempomall.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/*
The Secret's keys the processes read, required ones first. The optional
ones are referenced only when they have a value, or with optional: true
from an existing Secret.
*/}}
{{- define "tempomall.requiredSecretKeys" -}}
TEMPOMALL_SERVICE_SECRET TEMPOMALL_GATEWAY_API_KEY TEMPOMALL_GATEWAY_WEBHOOK_SECRET TEMPOMALL_ADMIN_PASSWORD TEMPOMALL_MYSQL_DSN TEMPOMALL_CODEC_KEYS
{{- end }}

{{/*
env entries for the secrets: every required key, and the optional ones
that the chart's Secret holds (or all of them, optional, from an existing
Secret).
*/}}
{{- define "tempomall.secretEnv" -}}
{{- $secret := include "tempomall.secretName" . }}
{{- range splitList " " (include "tempomall.requiredSecretKeys" .) }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
{{- end }}
{{- $existing := .Values.secrets.existingSecret }}
{{- range $key, $value := dict "TEMPORAL_API_KEY" .Values.secrets.temporalApiKey "TEMPOMALL_REDIS_PASSWORD" .Values.secrets.redisPassword }}
{{- if or $existing $value }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end }}
{{- end }}

{{/* The Temporal mTLS volume mount and volume, when temporal.tlsSecret.name is set. */}}
{{- define "tempomall.temporalTLSMount" -}}
{{- if .Values.temporal.tlsSecret.name }}
- name: temporal-tls
  mountPath: /etc/tempomall/temporal-tls
  readOnly: true
{{- end }}
{{- end }}

{{- define "tempomall.temporalTLSVolume" -}}
{{- if .Values.temporal.tlsSecret.name }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tlsSecret.name }}
{{- end }}
{{- end }}

{{/*
Pod template annotations: Prometheus scraping of the ops port, and
checksums so that a change of configuration rolls the pods.
*/}}
{{- define "tempomall.podAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: "9090"
prometheus.io/path: /metrics
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- /* The secret values as given (generated ones stay the same across upgrades). */}}
checksum/secrets: {{ toYaml .Values.secrets | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
A process's settings: .Values.defaults overridden by its own block.
Call with (dict "root" $ "values" BLOCK); returns YAML.
*/}}
{{- define "tempomall.settings" -}}
{{- $d := deepCopy .root.Values.defaults }}
{{- toYaml (mergeOverwrite $d (deepCopy (default dict .values))) }}
{{- end }}

{{/*
Hook annotations for what the setup Job needs before the release's own
objects exist (pre-install): the ConfigMap and the chart's Secret. Hook
objects are replaced on every upgrade and left behind by helm uninstall.
*/}}
{{- define "tempomall.setupHookAnnotations" -}}
{{- if .Values.setupJob.enabled }}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: "-10"
helm.sh/hook-delete-policy: before-hook-creation
{{- end }}
{{- end }}

{{/*
Every process the chart runs, as a YAML list: name, args, kind ("service"
for a Kitex service, probed over gRPC on its port; "process" for the others,
probed over HTTP on the ops port), ports, whether it may autoscale, and its
settings (defaults merged with its own block).
*/}}
{{- define "tempomall.components" -}}
{{- $root := . }}
{{- range $name, $svc := .Values.services }}
- name: {{ $name }}
  args: [serve, {{ $name }}]
  kind: service
  scalable: true
  ports:
    - {name: rpc, port: {{ $svc.port }}}
    {{- if $svc.webhookPort }}
    - {name: webhook, port: {{ $svc.webhookPort }}}
    {{- end }}
  settings:
    {{- include "tempomall.settings" (dict "root" $root "values" $svc) | nindent 4 }}
{{- end }}
{{- if .Values.worker.enabled }}
- name: worker
  args: [worker]
  kind: process
  scalable: true
  ports: []
  settings:
    {{- include "tempomall.settings" (dict "root" $root "values" .Values.worker) | nindent 4 }}
{{- end }}
{{- if .Values.sandbox.enabled }}
- name: sandbox
  args: [sandbox]
  kind: process
  scalable: false
  ports:
    - {name: http, port: {{ .Values.sandbox.port }}}
  settings:
    {{- include "tempomall.settings" (dict "root" $root "values" .Values.sandbox) | nindent 4 }}
{{- end }}
{{- if .Values.codec.enabled }}
- name: codec
  args: [codec]
  kind: process
  scalable: false
  ports:
    - {name: http, port: {{ .Values.codec.port }}}
  settings:
    {{- include "tempomall.settings" (dict "root" $root "values" .Values.codec) | nindent 4 }}
{{- end }}
{{- end }}

{{/* A container of the setup Job; call with (dict "root" $ "args" LIST). */}}
{{- define "tempomall.jobContainer" -}}
image: {{ include "tempomall.image" .root | quote }}
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
args:
  {{- toYaml .args | nindent 2 }}
envFrom:
  - configMapRef:
      name: {{ include "tempomall.configMapName" .root }}
env:
  - name: OTEL_SERVICE_NAME
    value: {{ printf "tempomall-%s" (first .args) }}
  {{- include "tempomall.secretEnv" .root | trim | nindent 2 }}
resources:
  {{- toYaml .root.Values.setupJob.resources | nindent 2 }}
securityContext:
  {{- toYaml .root.Values.securityContext | nindent 2 }}
volumeMounts:
  - name: data
    mountPath: /var/lib/tempomall
  - name: tmp
    mountPath: /tmp
  {{- with include "tempomall.temporalTLSMount" .root | trim }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end }}
