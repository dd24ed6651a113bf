{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "ftgo-edge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped base name: the release name alone when it already contains the chart's. */}}
{{- define "ftgo-edge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ftgo-edge.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every object; pass the root context. */}}
{{- define "ftgo-edge.labels" -}}
helm.sh/chart: {{ include "ftgo-edge.chart" . }}
app.kubernetes.io/name: {{ include "ftgo-edge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ftgo
{{- end -}}

{{/* Selector labels of one component: dict "root" $ "component" "bff-web". */}}
{{- define "ftgo-edge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ftgo-edge.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ftgo-edge.componentLabels" -}}
{{ include "ftgo-edge.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Object name of one component: dict "root" $ "component" "bff-web". */}}
{{- define "ftgo-edge.componentName" -}}
{{- printf "%s-%s" (include "ftgo-edge.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Image reference: dict "root" $ "image" .image; the tag defaults to appVersion. */}}
{{- define "ftgo-edge.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* Name of the Secret holding redis-password and api-keys.yaml. */}}
{{- define "ftgo-edge.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- printf "%s-secrets" (include "ftgo-edge.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "ftgo-edge.stubsName" -}}
{{- include "ftgo-edge.componentName" (dict "root" . "component" "stubs") -}}
{{- end -}}

{{- define "ftgo-edge.redisName" -}}
{{- include "ftgo-edge.componentName" (dict "root" . "component" "redis") -}}
{{- end -}}

{{/* Redis host the BFFs use: the external host, or the in-cluster StatefulSet's Service. */}}
{{- define "ftgo-edge.redisHost" -}}
{{- if .Values.redis.external.host -}}
{{- .Values.redis.external.host -}}
{{- else -}}
{{- include "ftgo-edge.redisName" . -}}
{{- end -}}
{{- end -}}

{{- define "ftgo-edge.redisPort" -}}
{{- if .Values.redis.external.host -}}
{{- .Values.redis.external.port -}}
{{- else -}}
{{- .Values.redis.port -}}
{{- end -}}
{{- end -}}

{{/* True when the chart runs its own Redis StatefulSet. */}}
{{- define "ftgo-edge.redisInCluster" -}}
{{- if and .Values.redis.enabled (not .Values.redis.external.host) -}}true{{- end -}}
{{- end -}}

{{/* Drain time in seconds, from spring.lifecycle.timeout-per-shutdown-phase ("20s"). */}}
{{- define "ftgo-edge.drainSeconds" -}}
{{- index .Values.spring.lifecycle "timeout-per-shutdown-phase" | toString | trimSuffix "s" | int -}}
{{- end -}}

{{/* Provider URLs after the stubs switch: a map provider id -> url. */}}
{{- define "ftgo-edge.providers" -}}
{{- $root := . -}}
{{- $stubPorts := dict "order" 9081 "kitchen" 9082 "delivery" 9083 "accounting" 9084 "consumer" 9085 "restaurant" 9086 -}}
{{- $out := dict -}}
{{- range $id, $p := .Values.edge.providers -}}
{{- $copy := deepCopy $p -}}
{{- if and $root.Values.stubs.enabled $root.Values.stubs.providers (hasKey $stubPorts $id) -}}
{{- $_ := set $copy "url" (printf "http://%s:%v" (include "ftgo-edge.stubsName" $root) (get $stubPorts $id)) -}}
{{- if and (eq $id "order") $copy.grpc -}}
{{- $_ := set $copy "grpc" (merge (dict "target" (printf "%s:9087" (include "ftgo-edge.stubsName" $root))) $copy.grpc) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $out $id $copy -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- define "ftgo-edge.issuerUri" -}}
{{- if and .Values.stubs.enabled .Values.stubs.identity -}}
{{- printf "http://%s:9090" (include "ftgo-edge.stubsName" .) -}}
{{- else -}}
{{- index .Values.spring.security.oauth2.resourceserver.jwt "issuer-uri" -}}
{{- end -}}
{{- end -}}

{{/* TCP port of a URL: explicit, else 443 for https and 80 otherwise. */}}
{{- define "ftgo-edge.urlPort" -}}
{{- $u := urlParse . -}}
{{- $hostParts := splitList ":" $u.host -}}
{{- if gt (len $hostParts) 1 -}}
{{- last $hostParts -}}
{{- else if eq $u.scheme "https" -}}
443
{{- else -}}
80
{{- end -}}
{{- end -}}

{{/*
The application.yaml of one BFF: dict "root" $ "name" "web" "bff" $bff.
Order of precedence, lowest first: chart-derived edge/spring properties, global.config,
bffs.<name>.config, then the keys the chart must own (ports, probes, shutdown) so that the
Deployment's probes and the application can never disagree.
*/}}
{{- define "ftgo-edge.applicationYaml" -}}
{{- $root := .root -}}
{{- $bff := .bff -}}
{{- $edge := deepCopy $root.Values.edge -}}
{{- $_ := set $edge "providers" (include "ftgo-edge.providers" $root | fromYaml) -}}
{{- $rateLimit := deepCopy (index $root.Values.edge "rate-limit") -}}
{{- $_ := set $rateLimit "redis" (dict "enabled" (ternary true false $root.Values.redis.enabled)) -}}
{{- $_ := set $edge "rate-limit" $rateLimit -}}
{{- $spring := deepCopy $root.Values.spring -}}
{{- $_ := set $spring.security.oauth2.resourceserver.jwt "issuer-uri" (include "ftgo-edge.issuerUri" $root) -}}
{{- if $root.Values.redis.enabled -}}
{{- $_ := set $spring "data" (dict "redis" (dict "host" (include "ftgo-edge.redisHost" $root) "port" (include "ftgo-edge.redisPort" $root | int))) -}}
{{- end -}}
{{- $config := dict "edge" $edge "spring" $spring -}}
{{- if eq .name "public" -}}
{{- $_ := set $config.spring "config" (dict "import" "optional:file:/secrets/api-keys.yaml") -}}
{{- end -}}
{{- $config = mergeOverwrite $config (deepCopy $root.Values.global.config) (deepCopy $bff.config) -}}
{{- $owned := dict
  "server" (dict "port" ($bff.server.port | int) "shutdown" "graceful")
  "management" (dict
    "server" (dict "port" ($bff.management.server.port | int))
    "endpoint" (dict "health" (dict "probes" (dict "enabled" true)))
    "endpoints" (dict "web" (dict "exposure" (dict "include" "health,prometheus,compositions,pipelines"))))
  "spring" (dict "lifecycle" (dict "timeout-per-shutdown-phase" (index $root.Values.spring.lifecycle "timeout-per-shutdown-phase")))
-}}
{{- $config = mergeOverwrite $config $owned -}}
{{- toYaml $config -}}
{{- end -}}

{{/* Hardened container securityContext shared by every container. */}}
{{- define "ftgo-edge.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext -}}
{{- end -}}

{{/* data: of the created Secret (also hashed into the pods' checksum/secret annotation). */}}
{{- define "ftgo-edge.secretData" -}}
{{- if .Values.secrets.redisPassword -}}
redis-password: {{ .Values.secrets.redisPassword | b64enc | quote }}
{{ end -}}
api-keys.yaml: {{ dict "edge" (dict "security" (dict "api-keys" .Values.secrets.apiKeys)) | toYaml | b64enc | quote }}
{{- end -}}
