from source_sesame_hr.run import run

if __name__ == "__main__":
    run()
