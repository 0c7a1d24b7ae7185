# syntax=docker/dockerfile:1
# Hubbub in a container: built with the Maven wrapper on a JDK 25 image, run on a JRE 25 image as a
# non-root user with the launcher's JVM flags (./hubbub, jvm_flags) and an ahead-of-time cache made
# by the same training run the launcher uses. See docs/DEPLOY.md. The JVM flags live in one argument
# file (/opt/hubbub/jvm.args) so the training run and the server get exactly the same ones (the AOT
# cache is refused when they differ); DeployFilesTest checks them against the launcher's.

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
# the dependency cache survives between builds (BuildKit); tests are run by ./hubbub test, not here
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests -pl hubbub-app -am package \
    && cp hubbub-app/target/hubbub.jar /hubbub.jar

FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 hubbub \
    && useradd --system --uid 10001 --gid hubbub --home-dir /var/lib/hubbub --create-home --shell /usr/sbin/nologin hubbub
WORKDIR /opt/hubbub
COPY --from=build /hubbub.jar /opt/hubbub/hubbub.jar
RUN printf '%s\n' \
      '--enable-native-access=ALL-UNNAMED' \
      '--add-opens=java.base/java.nio=ALL-UNNAMED' \
      '-Dio.netty.tryReflectionSetAccessible=true' \
      '-XX:+UseSerialGC' \
      '-Xmn16m' \
      '-XX:+ExitOnOutOfMemoryError' \
      '-XX:TrimNativeHeapInterval=2000' \
      '--sun-misc-unsafe-memory-access=allow' \
      > /opt/hubbub/jvm.args
# The training run (hubbub aot-train: a server on a loopback port driven by native and Socket.IO
# clients) records the AOT cache in this image, with this JVM and this jar path. If it fails the image
# still works: the server then starts without the cache (the JVM's AOT messages are switched off).
RUN java @/opt/hubbub/jvm.args -XX:AOTCacheOutput=/opt/hubbub/hubbub.aot -jar /opt/hubbub/hubbub.jar aot-train \
      > /tmp/aot.log 2>&1 || (tail -n 20 /tmp/aot.log; echo "hubbub: no AOT cache in this image"); rm -rf /tmp/aot.log /tmp/hubbub-*

USER hubbub
WORKDIR /var/lib/hubbub
# containers listen on every interface; data (SQLite, when no storage.jdbcUrl is set) in the volume
ENV HUBBUB_SERVER_HOST=0.0.0.0 \
    HUBBUB_STORAGE_DATA_DIR=/var/lib/hubbub
VOLUME ["/var/lib/hubbub"]
EXPOSE 8080
# extra JVM options: JAVA_TOOL_OPTIONS (e.g. -XX:MaxRAMPercentage=75); configuration: HUBBUB_* variables
ENTRYPOINT ["java", "@/opt/hubbub/jvm.args", "-XX:AOTCache=/opt/hubbub/hubbub.aot", "-Xlog:aot=off", "-Xlog:cds=off", \
            "-jar", "/opt/hubbub/hubbub.jar"]
CMD ["serve"]
