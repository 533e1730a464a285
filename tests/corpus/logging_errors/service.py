import logging

from fastapi import FastAPI

app = FastAPI()
log = logging.getLogger(__name__)


def charge(order):
    # expect: unstructured_logging
    print("charging", order)
    # expect: poor_error_handling
    try:
        order.pay()
    except:
        return None


def refund(order):
    # expect: poor_error_handling
    try:
        order.refund()
    except Exception:
        pass


@app.get("/orders/{order_id}")
async def get_order(order_id: str, trace_id: str = ""):
    # expect: missing_trace_id
    log.info("loading order %s", order_id)
    # ok: missing_trace_id
    log.info("loaded order", extra={"trace_id": trace_id})
    return {"id": order_id}


def careful(order):
    # ok: poor_error_handling
    try:
        order.pay()
    except ValueError:
        log.exception("payment failed", extra={"order": order.id})
        raise
