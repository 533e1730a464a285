import logging

from fastapi import FastAPI

app = FastAPI()
log = logging.getLogger(__name__)


@app.get("/orders/{order_id}")
async def get_order(order_id: str, trace_id: str):
    # ruleid: python-handler-log-without-trace-id
    log.info("fetching order %s", order_id)
    # ok: python-handler-log-without-trace-id
    log.info("fetching order", extra={"trace_id": trace_id, "order_id": order_id})
    return {"id": order_id}


def helper():
    # ok: python-handler-log-without-trace-id
    log.info("not a handler")


@app.post("/orders")
async def create_order(request, structlog):
    structlog.contextvars.bind_contextvars(trace_id=request.headers["x-trace-id"])
    # ok: python-handler-log-without-trace-id
    log.info("creating order")
    return {}
