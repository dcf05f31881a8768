from source_peoplehr.run import run

if __name__ == "__main__":
    run()
