import sys


def charge(order):
    # ruleid: python-print-in-app-code
    print("charging", order.id)
    # ok: python-print-in-app-code
    print("usage: charge ORDER", file=sys.stderr)
    return order


if __name__ == "__main__":
    # ok: python-print-in-app-code
    print(charge(None))
