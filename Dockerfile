FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY api ./api
COPY web ./web
RUN pip install --no-cache-dir .
ENV CONTRACTFLOW_USERS=/data/contractflow-users.toml
VOLUME /data
EXPOSE 8000
CMD ["contractflow", "serve", "--demo", "--host", "0.0.0.0", "--port", "8000"]
