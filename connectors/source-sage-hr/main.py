"""Run the connector: ``python main.py spec|check|discover|read ...``."""

from source_sage_hr.run import run

if __name__ == "__main__":
    run()
