"""Safety training: campaigns, courses, lessons, quizzes and learning progress."""
