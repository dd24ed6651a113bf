# syntax=docker/dockerfile:1
#
# One image per module, from the Spring Boot executable jar the Maven build already made:
#
#   ./mvnw -B -DskipTests package
#   docker build --build-arg MODULE=bff-web    -t ftgo/bff-web:0.1.0 .
#   docker build --build-arg MODULE=bff-mobile -t ftgo/bff-mobile:0.1.0 .
#   docker build --build-arg MODULE=bff-public -t ftgo/bff-public:0.1.0 .
#   # demo stubs (runnable jar has the -exec classifier):
#   docker build --build-arg MODULE=stubs --build-arg JAR=stubs/target/stubs-0.1.0-SNAPSHOT-exec.jar -t ftgo/stubs:0.1.0 .
#
# The Helm chart runs it as uid 10001 with a read-only root filesystem and an emptyDir on /tmp.

FROM eclipse-temurin:17-jre

ARG MODULE
ARG VERSION=0.1.0-SNAPSHOT
ARG JAR=${MODULE}/target/${MODULE}-${VERSION}.jar

RUN if [ -z "${MODULE}" ]; then \
      echo "set --build-arg MODULE=bff-web|bff-mobile|bff-public|stubs" >&2; exit 1; \
    fi \
 && groupadd --system --gid 10001 ftgo \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin ftgo

WORKDIR /app
# Owned by root and not writable by the app: it only reads its jar.
COPY ${JAR} /app/app.jar

USER 10001:10001

# Container-aware heap; temp files on the writable /tmp (an emptyDir in Kubernetes).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"

# bff-mobile 8081/8091, bff-web 8082/8092, bff-public 8083/8093 (HTTP/management).
EXPOSE 8081 8082 8083 8091 8092 8093

ENTRYPOINT ["java", "-jar", "/app/app.jar"]
