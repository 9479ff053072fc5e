"""The smallest aleph program: an ASGI app served by uvicorn (entry point `main:app`, python runtime)."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"message": "hello from python", "version": 1}
